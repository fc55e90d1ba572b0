"""JWT access tokens (RFC 9068) from /o/token/: header, claims and lifetime, for the clients an admin switched."""

import hashlib
import time

import pytest
from oauth2_provider.models import get_access_token_model, get_refresh_token_model

from tests.flows import token_request
from tests.jwt_access_tokens.conftest import signing_key, unverified

pytestmark = pytest.mark.django_db


def test_a_jwt_client_gets_a_signed_at_jwt_with_the_key_id_jwks_publishes(client, machine_jwt):
    token = machine_jwt()

    header, _claims = unverified(token)
    assert header == {"typ": "at+jwt", "alg": "RS256", "kid": signing_key().thumbprint()}
    jwks = client.get("/o/.well-known/jwks.json").json()
    assert header["kid"] in [key["kid"] for key in jwks["keys"]]


def test_client_credentials_claims_name_the_client_as_subject(machine_jwt, jwt_machine_app):
    before = int(time.time())
    _header, claims = unverified(machine_jwt(scope="users:read"))

    assert claims["iss"] == "http://testserver"
    assert claims["aud"] == "http://testserver/api/"
    assert claims["sub"] == claims["client_id"] == jwt_machine_app.client_id
    assert claims["scope"] == "users:read"
    assert before <= claims["iat"] <= int(time.time())
    assert claims["exp"] == claims["iat"] + 120
    assert len(claims["jti"]) >= 20
    assert "auth_time" not in claims


def test_expires_in_is_the_clients_jwt_lifetime(client, jwt_machine_app):
    response = token_request(client, jwt_machine_app, {"grant_type": "client_credentials"})

    assert response.json()["expires_in"] == 120
    stored = get_access_token_model().objects.get(application=jwt_machine_app)
    assert abs(stored.expires.timestamp() - unverified(response.json()["access_token"])[1]["exp"]) <= 1


def test_the_jwt_is_stored_hashed_like_an_opaque_token(machine_jwt, jwt_machine_app):
    token = machine_jwt()

    stored = get_access_token_model().objects.get(application=jwt_machine_app)
    assert stored.token == ""
    assert stored.token_checksum == hashlib.sha256(token.encode()).hexdigest()


def test_every_token_has_its_own_jti(machine_jwt):
    assert unverified(machine_jwt())[1]["jti"] != unverified(machine_jwt())[1]["jti"]


def test_a_user_token_names_the_user_and_the_sign_in(user_jwt, user, jwt_web_app):
    body = user_jwt()

    _header, claims = unverified(body["access_token"])
    assert claims["sub"] == str(user.pk)
    assert claims["client_id"] == jwt_web_app.client_id
    assert claims["scope"] == "openid profile notes:read"
    assert isinstance(claims["auth_time"], int)
    assert claims["auth_time"] == unverified(body["id_token"])[1]["auth_time"]
    assert body["expires_in"] == 300


def test_refresh_tokens_stay_random_and_a_refresh_issues_a_new_jwt(client, user_jwt, jwt_web_app):
    body = user_jwt()
    assert not body["refresh_token"].startswith("ey")

    refreshed = token_request(
        client, jwt_web_app, {"grant_type": "refresh_token", "refresh_token": body["refresh_token"]}
    )

    assert refreshed.status_code == 200, refreshed.content
    new = refreshed.json()
    assert unverified(new["access_token"])[0]["typ"] == "at+jwt"
    assert unverified(new["access_token"])[1]["jti"] != unverified(body["access_token"])[1]["jti"]
    assert get_refresh_token_model().objects.filter(application=jwt_web_app, revoked__isnull=True).count() == 1


def test_an_opaque_client_still_gets_a_random_token_and_the_global_lifetime(client, machine_app):
    response = token_request(client, machine_app, {"grant_type": "client_credentials"})

    assert not response.json()["access_token"].startswith("ey")
    assert response.json()["expires_in"] == 3600


def test_a_resource_indicator_becomes_the_audience(machine_jwt):
    _header, claims = unverified(machine_jwt(resource="https://notes.example.test/"))

    assert claims["aud"] == "https://notes.example.test/"


def test_the_configured_audience_applies_without_a_resource(settings, machine_jwt):
    from tests.idp import set_idp

    set_idp(settings, JWT_ACCESS_TOKEN_AUDIENCE="https://api.example.test/")

    assert unverified(machine_jwt())[1]["aud"] == "https://api.example.test/"


def test_an_invalid_resource_is_invalid_target_and_issues_nothing(client, jwt_machine_app):
    response = token_request(client, jwt_machine_app, {"grant_type": "client_credentials", "resource": "not-a-uri"})

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_target"
    assert not get_access_token_model().objects.filter(application=jwt_machine_app).exists()
