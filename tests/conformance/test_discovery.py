"""Discovery and JWKS rows of docs/conformance.md: each advertised value is what the endpoints do.

What a document says is pinned in tests/provider/test_discovery.py; here each claim is tried against
the endpoint it describes (RFC 8414 §2, OIDC Discovery §3, RFC 7517 §4-5).
"""

from urllib.parse import urlsplit

import pytest
from django.urls import reverse

from clients.models import TokenEndpointAuthMethod
from tests.client_assertions.keys import KEY_FOR_ALGORITHM, assertion, assertion_form, public_jwks, secret_assertion
from tests.factories import (
    CLIENT_SECRET,
    AccessTokenFactory,
    MachineApplicationFactory,
    ResourceServerApplicationFactory,
)
from tests.flows import basic_auth, consent, form_post, obtain_code, pkce_pair, redirect_query

pytestmark = pytest.mark.django_db

# RFC 7517 / RFC 7518 §6.3.2: the members of an RSA private key; none may ever be published.
PRIVATE_MEMBERS = {"d", "p", "q", "dp", "dq", "qi", "oth", "k"}


@pytest.fixture(params=["/.well-known/openid-configuration", "/.well-known/oauth-authorization-server"])
def document(request, client) -> dict:
    return client.get(request.param).json()


@pytest.fixture
def jwks(client, document) -> dict:
    response = client.get(urlsplit(document["jwks_uri"]).path)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    return response.json()


def authenticate(client, method: str, url: str, app, data: dict):
    """POST ``data`` to ``url`` as ``app`` with the token_endpoint_auth_method ``method``.

    For private_key_jwt, ``app`` is re-registered for that method with a key made for the test; for
    client_secret_jwt, with its secret saved again so that it is kept encrypted.
    """
    if method == "client_secret_basic":
        return form_post(client, url, data, **basic_auth(app.client_id))
    if method == "client_secret_post":
        return form_post(client, url, {**data, "client_id": app.client_id, "client_secret": CLIENT_SECRET})
    if method == "private_key_jwt":
        key = KEY_FOR_ALGORITHM["RS256"]()
        app.token_endpoint_auth_method = TokenEndpointAuthMethod.PRIVATE_KEY_JWT
        app.jwks = public_jwks(key)
        app.save()
        signed = assertion(key, app.client_id, aud=f"http://testserver{url}")
        return form_post(client, url, {**data, **assertion_form(signed)})
    if method == "client_secret_jwt":
        app.token_endpoint_auth_method = TokenEndpointAuthMethod.CLIENT_SECRET_JWT
        app.client_secret = CLIENT_SECRET  # saved again in plain: kept encrypted for the HMAC, and hashed
        app.save()
        signed = secret_assertion(CLIENT_SECRET, app.client_id, aud=f"http://testserver{url}")
        return form_post(client, url, {**data, **assertion_form(signed)})
    assert method == "none", f"no test knows how to authenticate with {method}"
    return form_post(client, url, {**data, "client_id": app.client_id})


def test_the_key_set_publishes_no_private_key_member(jwks):
    for key in jwks["keys"]:
        assert not PRIVATE_MEMBERS & key.keys(), key


def test_every_published_key_has_a_unique_kid_and_says_it_signs_with_rs256(jwks):
    kids = [key["kid"] for key in jwks["keys"]]

    assert len(kids) == len(set(kids))
    for key in jwks["keys"]:
        assert (key["kty"], key["use"], key["alg"]) == ("RSA", "sig", "RS256")


def test_each_advertised_token_endpoint_auth_method_authenticates(client, document, browser, public_app):
    url = urlsplit(document["token_endpoint"]).path
    for method in document["token_endpoint_auth_methods_supported"]:
        if method == "none":
            code, verifier = obtain_code(browser, public_app)
            data = {
                "grant_type": "authorization_code",
                "code": code,
                "code_verifier": verifier,
                "redirect_uri": public_app.redirect_uris,
            }
            response = authenticate(client, method, url, public_app, data)
        else:
            app = MachineApplicationFactory()
            response = authenticate(client, method, url, app, {"grant_type": "client_credentials"})
        assert response.status_code == 200, (method, response.content)


def test_each_advertised_revocation_auth_method_authenticates(client, document, public_app):
    url = urlsplit(document["revocation_endpoint"]).path
    for method in document["revocation_endpoint_auth_methods_supported"]:
        app = public_app if method == "none" else MachineApplicationFactory()
        token = AccessTokenFactory(application=app)

        response = authenticate(client, method, url, app, {"token": token.raw_token})

        assert response.status_code == 200, (method, response.content)


def test_each_advertised_introspection_auth_method_authenticates_and_none_is_refused(client, document, public_app):
    url = urlsplit(document["introspection_endpoint"]).path
    token = AccessTokenFactory()
    methods = document["introspection_endpoint_auth_methods_supported"]
    for method in methods:
        response = authenticate(client, method, url, ResourceServerApplicationFactory(), {"token": token.raw_token})
        assert response.json()["active"] is True, method

    public_app.allowed_scopes = ["introspection"]
    public_app.save()
    assert "none" not in methods
    assert authenticate(client, "none", url, public_app, {"token": token.raw_token}).status_code == 401


@pytest.mark.parametrize("grant_type", ["implicit", "urn:ietf:params:oauth:grant-type:jwt-bearer", "made_up"])
def test_a_grant_type_not_advertised_is_unsupported(client, document, machine_app, grant_type):
    assert grant_type not in document["grant_types_supported"]

    response = form_post(
        client, reverse("oauth2_provider:token"), {"grant_type": grant_type}, **basic_auth(machine_app.client_id)
    )

    assert response.json()["error"] == "unsupported_grant_type"


def test_the_unadvertised_password_grant_is_unauthorized_client_for_every_client_not_opted_in(
    client, document, machine_app, user
):
    assert "password" not in document["grant_types_supported"]

    response = form_post(
        client,
        reverse("oauth2_provider:token"),
        {"grant_type": "password", "username": user.username, "password": "wrong"},
        **basic_auth(machine_app.client_id),
    )

    assert response.json()["error"] == "unauthorized_client"


def test_the_iss_parameter_is_advertised_and_sent(document, browser, web_app):
    assert document["authorization_response_iss_parameter_supported"] is True
    _, challenge = pkce_pair()

    response = consent(browser, web_app, challenge=challenge)

    assert redirect_query(response)["iss"] == document["issuer"]
