"""The pushed authorization request endpoint (RFC 9126 §2): client authentication, validation, the 201 answer."""

import pytest
from django.urls import reverse

from provider.models import PushedAuthorizationRequest
from provider.pushed_authorization import REQUEST_URI_PREFIX
from tests.factories import CLIENT_SECRET, ApplicationFactory
from tests.flows import authorize_params, basic_auth, form_post, pkce_pair
from tests.idp import set_idp

pytestmark = pytest.mark.django_db

PAR = "oauth2_provider:pushed-authorization"


def _push(http, app, *, auth: dict | None = None, **extra):
    _, challenge = pkce_pair()
    params = authorize_params(app, challenge=challenge, **extra)
    params = {name: value for name, value in params.items() if value is not None}
    headers = basic_auth(app.client_id) if auth is None else auth
    return form_post(http, reverse(PAR), params, **headers)


def test_a_confidential_client_pushes_a_request_and_gets_a_request_uri_with_201(client, web_app):
    response = _push(client, web_app)

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["request_uri"].startswith(REQUEST_URI_PREFIX)
    assert body["expires_in"] == 60
    assert response["Cache-Control"] == "no-store"


def test_the_request_uri_is_not_stored_in_the_clear(client, web_app):
    request_uri = _push(client, web_app).json()["request_uri"]

    stored = PushedAuthorizationRequest.objects.get()
    assert request_uri not in str(stored.reference_checksum)
    assert stored.application == web_app
    assert ["state", "state-123"] in stored.parameters


def test_the_request_uri_lifetime_follows_the_setting(client, web_app, settings):
    set_idp(settings, PUSHED_AUTHORIZATION_REQUEST_SECONDS=30)

    assert _push(client, web_app).json()["expires_in"] == 30


def test_a_public_client_pushes_with_its_client_id_alone(client, public_app):
    response = _push(client, public_app, auth={})

    assert response.status_code == 201, response.content


def test_a_confidential_client_without_its_secret_is_invalid_client_with_a_basic_challenge(client, web_app):
    response = _push(client, web_app, auth={})

    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"
    assert response["WWW-Authenticate"].startswith("Basic")
    assert not PushedAuthorizationRequest.objects.exists()


def test_a_wrong_secret_is_invalid_client(client, web_app):
    response = _push(client, web_app, auth=basic_auth(web_app.client_id, "wrong-secret"))

    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"


def test_a_client_id_other_than_the_authenticated_clients_is_invalid_request(client, web_app):
    other = ApplicationFactory()

    response = _push(client, other, auth=basic_auth(web_app.client_id))

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"


def test_a_request_uri_inside_a_pushed_request_is_invalid_request(client, web_app):
    response = _push(client, web_app, request_uri=f"{REQUEST_URI_PREFIX}abc")

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"


def test_a_request_object_is_request_not_supported(client, web_app):
    response = _push(client, web_app, request="eyJhbGciOiJub25lIn0.e30.")

    assert response.status_code == 400
    assert response.json()["error"] == "request_not_supported"


def test_an_unregistered_redirect_uri_is_refused_in_json_and_nothing_is_stored(client, web_app):
    response = _push(client, web_app, redirect_uri="https://attacker.example/cb")

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"
    assert not PushedAuthorizationRequest.objects.exists()


def test_a_request_without_pkce_is_refused_as_at_the_authorization_endpoint(client, web_app):
    response = _push(client, web_app, code_challenge=None, code_challenge_method=None)

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"


def test_a_scope_the_client_may_not_have_is_invalid_scope(client, web_app):
    response = _push(client, web_app, scope="openid admin-everything")

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_scope"


def test_prompt_none_is_left_for_the_authorization_endpoint_to_decide(client, web_app):
    response = _push(client, web_app, prompt="none")

    assert response.status_code == 201, response.content


def test_a_repeated_parameter_is_invalid_request(client, web_app):
    _, challenge = pkce_pair()
    body = (
        "&".join(f"{name}={value}" for name, value in authorize_params(web_app, challenge=challenge).items())
        + "&state=again"
    )

    response = client.post(
        reverse(PAR), body, content_type="application/x-www-form-urlencoded", **basic_auth(web_app.client_id)
    )

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"


def test_get_is_not_allowed(client):
    assert client.get(reverse(PAR)).status_code == 405


def test_the_client_secret_is_not_stored_with_the_request(client, web_app):
    _push(client, web_app, auth={}, client_secret=CLIENT_SECRET)

    stored = PushedAuthorizationRequest.objects.get()
    assert "client_secret" not in {name for name, _value in stored.parameters}


def test_discovery_advertises_the_endpoint_and_the_global_requirement(client):
    for name in ("oauth2_provider:oauth-server-metadata", "oauth2_provider:oidc-connect-discovery-info"):
        document = client.get(reverse(name)).json()
        assert document["pushed_authorization_request_endpoint"] == "http://testserver/o/par/"
        assert document["require_pushed_authorization_requests"] is False
