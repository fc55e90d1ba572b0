"""Client credentials (RFC 6749 §4.4) for machine-to-machine clients, through the real token endpoint."""

import hashlib

import pytest
from django.urls import reverse
from oauth2_provider.models import get_access_token_model

from tests.factories import CLIENT_SECRET
from tests.flows import basic_auth, form_post, token_request

pytestmark = pytest.mark.django_db

GRANT = {"grant_type": "client_credentials"}


def test_client_credentials_issue_a_bearer_token_with_no_store(client, machine_app):
    response = token_request(client, machine_app, {**GRANT, "scope": "users:read"})

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["token_type"] == "Bearer"
    assert body["scope"] == "users:read"
    assert body["expires_in"] == 3600
    assert response["Cache-Control"] == "no-store"
    assert response["Pragma"] == "no-cache"


def test_client_credentials_never_issue_a_refresh_token_or_id_token(client, machine_app):
    response = token_request(client, machine_app, GRANT)

    assert response.status_code == 200, response.content
    assert "refresh_token" not in response.json()
    assert "id_token" not in response.json()


def test_no_scope_requested_gets_exactly_the_allowed_scopes(client, machine_app):
    response = token_request(client, machine_app, GRANT)

    assert response.json()["scope"] == "users:read"


def test_the_token_is_stored_hashed_and_bound_to_no_user(client, machine_app):
    raw = token_request(client, machine_app, GRANT).json()["access_token"]

    stored = get_access_token_model().objects.get(application=machine_app)
    assert stored.user is None
    assert stored.token == ""
    assert stored.token_checksum == hashlib.sha256(raw.encode()).hexdigest()


def test_a_scope_the_client_was_not_allowed_is_invalid_scope(client, machine_app):
    response = token_request(client, machine_app, {**GRANT, "scope": "users:read notes:read"})

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_scope"


def test_an_undeclared_scope_is_invalid_scope(client, machine_app):
    response = token_request(client, machine_app, {**GRANT, "scope": "no-such-scope"})

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_scope"


def test_wrong_secret_is_401_invalid_client_with_basic_challenge(client, machine_app):
    response = token_request(client, machine_app, GRANT, secret="wrong-secret")

    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"
    assert response["WWW-Authenticate"].startswith("Basic")
    assert response["Cache-Control"] == "no-store"


def test_unknown_client_is_401_invalid_client(client):
    response = form_post(client, reverse("oauth2_provider:token"), GRANT, **basic_auth("no-such-client"))

    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"


def test_secret_in_the_body_is_accepted_too(client, machine_app):
    data = {**GRANT, "client_id": machine_app.client_id, "client_secret": CLIENT_SECRET}

    response = form_post(client, reverse("oauth2_provider:token"), data)

    assert response.status_code == 200, response.content


def test_a_client_without_the_grant_is_unauthorized_client(client, web_app):
    response = token_request(client, web_app, {**GRANT, "scope": "openid"})

    assert response.status_code == 400
    assert response.json()["error"] == "unauthorized_client"


def test_a_public_client_cannot_use_client_credentials(client, public_app):
    response = token_request(client, public_app, GRANT)

    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"
