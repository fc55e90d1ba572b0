"""Introspection (RFC 7662) answers for JWT access tokens with the members an offline verifier reads."""

import pytest

from tests.flows import endpoint_request
from tests.jwt_access_tokens.conftest import new_pem, unverified

pytestmark = pytest.mark.django_db


def introspect(http, caller, token: str):
    return endpoint_request(http, "oauth2_provider:introspect", caller, {"token": token})


def test_a_live_jwt_is_active_with_its_jti_audience_and_expiry(client, resource_server, machine_jwt, jwt_machine_app):
    token = machine_jwt(resource="https://notes.example.test/")
    claims = unverified(token)[1]

    body = introspect(client, resource_server, token).json()

    assert body["active"] is True
    assert body["jti"] == claims["jti"]
    assert body["aud"] == "https://notes.example.test/"
    assert body["exp"] == claims["exp"]
    assert body["iat"] == claims["iat"]
    assert body["sub"] == body["client_id"] == jwt_machine_app.client_id
    assert body["iss"] == "http://testserver"
    assert body["scope"] == "users:read"


def test_a_user_jwt_names_the_user_and_the_sign_in(client, resource_server, user_jwt, user):
    token = user_jwt()["access_token"]

    body = introspect(client, resource_server, token).json()

    assert body["active"] is True
    assert body["sub"] == str(user.pk)
    assert body["username"] == user.username
    assert body["auth_time"] == unverified(token)[1]["auth_time"]


def test_a_revoked_jwt_is_inactive(client, resource_server, machine_jwt, jwt_machine_app):
    token = machine_jwt()
    endpoint_request(client, "oauth2_provider:revoke-token", jwt_machine_app, {"token": token})

    assert introspect(client, resource_server, token).json() == {"active": False}


def test_a_jwt_whose_key_was_dropped_is_inactive(client, settings, resource_server, machine_jwt):
    token = machine_jwt()
    settings.OAUTH2_PROVIDER = {**settings.OAUTH2_PROVIDER, "OIDC_RSA_PRIVATE_KEY": new_pem()}

    assert introspect(client, resource_server, token).json() == {"active": False}


def test_an_id_token_is_never_described_as_active(client, resource_server, user_jwt):
    assert introspect(client, resource_server, user_jwt()["id_token"]).json() == {"active": False}
