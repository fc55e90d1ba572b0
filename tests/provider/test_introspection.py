"""Token introspection (RFC 7662): only resource servers may ask, and inactive tokens reveal nothing."""

import time
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import CLIENT_SECRET, AccessTokenFactory
from tests.flows import basic_auth, endpoint_request, form_post, token_request, tokens_for

pytestmark = pytest.mark.django_db

URL_NAME = "oauth2_provider:introspect"


def introspect(http, caller, token: str, **extra):
    """Ask the introspection endpoint about ``token``, authenticating as ``caller`` with HTTP Basic."""
    return endpoint_request(http, URL_NAME, caller, {"token": token, **extra})


def test_an_active_token_is_described(browser, client, web_app, resource_server, user):
    tokens = tokens_for(browser, client, web_app, scope="openid profile")

    response = introspect(client, resource_server, tokens["access_token"])

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["active"] is True
    assert body["scope"] == "openid profile"
    assert body["client_id"] == web_app.client_id
    assert body["username"] == user.username
    assert body["sub"] == str(user.pk)
    assert body["token_type"] == "Bearer"
    assert body["iss"] == "http://testserver"
    assert body["iat"] <= time.time() < body["exp"]
    assert body["exp"] - time.time() == pytest.approx(3600, abs=60)
    assert response["Cache-Control"] == "no-store"


def test_a_client_credentials_token_has_no_user(client, machine_app, resource_server):
    token = token_request(client, machine_app, {"grant_type": "client_credentials"}).json()["access_token"]

    body = introspect(client, resource_server, token).json()

    assert body["active"] is True
    assert body["client_id"] == machine_app.client_id
    assert "username" not in body
    assert "sub" not in body


def test_an_expired_token_is_inactive_and_nothing_else(client, resource_server):
    token = AccessTokenFactory(expires=timezone.now() - timedelta(seconds=1))

    response = introspect(client, resource_server, token.raw_token)

    assert response.status_code == 200
    assert response.json() == {"active": False}


def test_a_revoked_token_is_inactive(browser, client, web_app, resource_server):
    tokens = tokens_for(browser, client, web_app)
    endpoint_request(client, "oauth2_provider:revoke-token", web_app, {"token": tokens["access_token"]})

    response = introspect(client, resource_server, tokens["access_token"])

    assert response.json() == {"active": False}


def test_an_unknown_token_is_inactive(client, resource_server):
    response = introspect(client, resource_server, "no-such-token")

    assert response.status_code == 200
    assert response.json() == {"active": False}


def test_a_secret_in_the_body_is_accepted_too(client, resource_server):
    token = AccessTokenFactory()
    data = {"token": token.raw_token, "client_id": resource_server.client_id, "client_secret": CLIENT_SECRET}

    response = form_post(client, reverse(URL_NAME), data)

    assert response.json()["active"] is True


def test_a_bearer_token_with_the_introspection_scope_may_introspect(client, resource_server):
    caller = token_request(client, resource_server, {"grant_type": "client_credentials"}).json()["access_token"]
    token = AccessTokenFactory()

    response = form_post(client, reverse(URL_NAME), {"token": token.raw_token}, HTTP_AUTHORIZATION=f"Bearer {caller}")

    assert response.status_code == 200
    assert response.json()["active"] is True


def test_an_ordinary_confidential_client_may_not_introspect(client, web_app):
    token = AccessTokenFactory(application=web_app)

    response = introspect(client, web_app, token.raw_token)

    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"
    assert response["WWW-Authenticate"].startswith("Basic")
    assert b"active" not in response.content


def test_a_wrong_secret_is_401_invalid_client(client, resource_server):
    token = AccessTokenFactory()

    response = form_post(
        client, reverse(URL_NAME), {"token": token.raw_token}, **basic_auth(resource_server.client_id, "wrong")
    )

    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"


def test_an_anonymous_caller_is_401(client):
    token = AccessTokenFactory()

    response = form_post(client, reverse(URL_NAME), {"token": token.raw_token})

    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"


def test_a_public_client_may_not_introspect_even_when_allowed_the_scope(client, public_app):
    public_app.allowed_scopes = ["introspection"]
    public_app.save()
    token = AccessTokenFactory()

    response = form_post(client, reverse(URL_NAME), {"token": token.raw_token, "client_id": public_app.client_id})

    assert response.status_code == 401


def test_a_bearer_token_without_the_scope_is_403_insufficient_scope(client):
    caller = AccessTokenFactory(scope="openid profile")
    token = AccessTokenFactory()

    response = form_post(
        client, reverse(URL_NAME), {"token": token.raw_token}, HTTP_AUTHORIZATION=f"Bearer {caller.raw_token}"
    )

    assert response.status_code == 403
    assert response["WWW-Authenticate"].startswith('Bearer error="insufficient_scope"')


def test_an_invalid_bearer_token_is_401_invalid_token(client):
    token = AccessTokenFactory()

    response = form_post(client, reverse(URL_NAME), {"token": token.raw_token}, HTTP_AUTHORIZATION="Bearer nope")

    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith('Bearer error="invalid_token"')


def test_a_missing_token_parameter_is_invalid_request(client, resource_server):
    response = endpoint_request(client, URL_NAME, resource_server, {})

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"


def test_get_with_the_token_in_the_query_string_is_refused(client, resource_server):
    token = AccessTokenFactory()

    response = client.get(reverse(URL_NAME), {"token": token.raw_token}, **basic_auth(resource_server.client_id))

    assert response.status_code == 405
