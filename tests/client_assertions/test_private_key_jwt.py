"""private_key_jwt (RFC 7523 §2.2, OIDC Core §9) at the token, revocation and introspection endpoints."""

import pytest
from django.urls import reverse
from oauth2_provider.models import get_access_token_model

from clients.models import TokenEndpointAuthMethod
from tests.client_assertions.keys import ISSUER, KEY_FOR_ALGORITHM, assertion, assertion_form, public_jwks
from tests.factories import CLIENT_SECRET, MachineApplicationFactory
from tests.flows import basic_auth, form_post

pytestmark = pytest.mark.django_db

GRANT = {"grant_type": "client_credentials"}


def token(client, signed: str, **extra):
    return form_post(client, reverse("oauth2_provider:token"), {**GRANT, **assertion_form(signed), **extra})


@pytest.mark.parametrize("alg", ["RS256", "PS256", "ES256", "EdDSA"])
def test_a_client_signing_with_each_allowed_algorithm_gets_a_token(client, alg):
    key = KEY_FOR_ALGORITHM[alg]()
    app = MachineApplicationFactory(
        token_endpoint_auth_method=TokenEndpointAuthMethod.PRIVATE_KEY_JWT, jwks=public_jwks(key)
    )

    response = token(client, assertion(key, app.client_id, alg=alg))

    assert response.status_code == 200, response.content
    assert response.json()["token_type"] == "Bearer"


@pytest.mark.parametrize(
    "audience", [ISSUER.removesuffix("/o"), "http://testserver/o/token/", ["x", "http://testserver/o/token/"]]
)
def test_the_issuer_or_the_token_endpoint_is_an_accepted_audience(client, key_app, client_key, audience):
    response = token(client, assertion(client_key, key_app.client_id, aud=audience))

    assert response.status_code == 200, response.content


def test_a_body_client_id_naming_the_same_client_is_accepted(client, key_app, client_key):
    response = token(client, assertion(client_key, key_app.client_id), client_id=key_app.client_id)

    assert response.status_code == 200, response.content


def test_a_body_client_id_naming_another_client_is_refused(client, key_app, client_key, machine_app):
    response = token(client, assertion(client_key, key_app.client_id), client_id=machine_app.client_id)

    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"


def test_the_secret_of_a_private_key_jwt_client_no_longer_authenticates(client, key_app):
    response = form_post(
        client, reverse("oauth2_provider:token"), GRANT, **basic_auth(key_app.client_id, CLIENT_SECRET)
    )

    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"


def test_a_client_secret_client_cannot_authenticate_with_an_assertion(client, machine_app, client_key):
    machine_app.jwks = public_jwks(client_key)
    machine_app.save()

    response = token(client, assertion(client_key, machine_app.client_id))

    assert response.status_code == 401


def test_revocation_accepts_an_assertion_aimed_at_the_revocation_endpoint(client, key_app, client_key):
    issued = token(client, assertion(client_key, key_app.client_id)).json()["access_token"]
    signed = assertion(client_key, key_app.client_id, aud="http://testserver/o/revoke_token/")

    response = form_post(client, reverse("oauth2_provider:revoke-token"), {"token": issued, **assertion_form(signed)})

    assert response.status_code == 200, response.content
    assert not get_access_token_model().objects.filter(application=key_app).exists()


def test_introspection_accepts_a_resource_server_authenticating_with_an_assertion(
    client, key_resource_server, client_key, machine_app
):
    issued = form_post(client, reverse("oauth2_provider:token"), GRANT, **basic_auth(machine_app.client_id)).json()
    signed = assertion(client_key, key_resource_server.client_id, aud="http://testserver/o/introspect/")

    response = form_post(
        client, reverse("oauth2_provider:introspect"), {"token": issued["access_token"], **assertion_form(signed)}
    )

    assert response.status_code == 200, response.content
    assert response.json()["active"] is True
