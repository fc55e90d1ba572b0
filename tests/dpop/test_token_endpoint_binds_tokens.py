"""A token request with a DPoP proof gets tokens bound to the proof's key (RFC 9449 §5, §6)."""

import pytest
from joserfc import jwt
from oauth2_provider.models import get_access_token_model

from clients.models import AccessTokenFormat, GrantType
from provider.jwt_access_tokens import signing_keys
from tests.dpop.proofs import dpop_tokens_for, new_key, token_post
from tests.factories import USER_PASSWORD, ApplicationFactory, MachineApplicationFactory
from tests.flows import tokens_for
from tokens.checksums import sha256_hex
from tokens.models import DPoPBinding

pytestmark = pytest.mark.django_db

CLIENT_CREDENTIALS = {"grant_type": "client_credentials", "scope": "users:read"}


def _binding(raw_access_token: str) -> DPoPBinding | None:
    stored = get_access_token_model().objects.get(token_checksum=sha256_hex(raw_access_token))
    return DPoPBinding.objects.filter(access_token=stored).first()


def test_a_code_exchanged_with_a_proof_gets_a_dpop_token_bound_to_the_key(browser, client, web_app):
    key = new_key()

    body = dpop_tokens_for(browser, client, web_app, key)

    assert body["token_type"] == "DPoP"
    assert _binding(body["access_token"]).jkt == key.thumbprint()


def test_a_code_exchanged_without_a_proof_still_gets_a_bearer_token(browser, client, web_app):
    body = tokens_for(browser, client, web_app)

    assert body["token_type"] == "Bearer"
    assert _binding(body["access_token"]) is None


def test_client_credentials_with_a_proof_get_a_bound_token(client, machine_app):
    key = new_key()

    response = token_post(client, machine_app, CLIENT_CREDENTIALS, key=key)

    assert response.status_code == 200, response.content
    assert response.json()["token_type"] == "DPoP"
    assert _binding(response.json()["access_token"]).jkt == key.thumbprint()


def test_a_jwt_access_token_carries_the_keys_thumbprint_in_cnf(client):
    app = MachineApplicationFactory(access_token_format=AccessTokenFormat.JWT)
    key = new_key()

    response = token_post(client, app, CLIENT_CREDENTIALS, key=key)

    assert response.status_code == 200, response.content
    claims = jwt.decode(response.json()["access_token"], signing_keys().signing).claims
    assert claims["cnf"] == {"jkt": key.thumbprint()}


def test_an_unbound_jwt_access_token_has_no_cnf(client):
    app = MachineApplicationFactory(access_token_format=AccessTokenFormat.JWT)

    response = token_post(client, app, CLIENT_CREDENTIALS)

    claims = jwt.decode(response.json()["access_token"], signing_keys().signing).claims
    assert "cnf" not in claims


def test_a_confidential_clients_refresh_binds_the_new_access_token_to_the_refresh_requests_key(browser, client):
    app = ApplicationFactory(grant_types=[GrantType.AUTHORIZATION_CODE, GrantType.REFRESH_TOKEN])
    first = dpop_tokens_for(browser, client, app, new_key())
    other = new_key()

    response = token_post(
        client, app, {"grant_type": "refresh_token", "refresh_token": first["refresh_token"]}, key=other
    )

    # RFC 9449 §5: a confidential client's refresh token is not bound; the new access token is, to this key.
    assert response.status_code == 200, response.content
    assert response.json()["token_type"] == "DPoP"
    assert _binding(response.json()["access_token"]).jkt == other.thumbprint()


def test_the_legacy_password_grant_with_a_proof_gets_a_bound_token(client, user):
    app = ApplicationFactory(grant_types=[GrantType.PASSWORD], redirect_uris="", allowed_scopes=["profile"])
    key = new_key()
    data = {"grant_type": "password", "username": user.username, "password": USER_PASSWORD, "scope": "profile"}

    response = token_post(client, app, data, key=key)

    assert response.status_code == 200, response.content
    assert _binding(response.json()["access_token"]).jkt == key.thumbprint()
