"""Fixtures for the JWT access token tests: clients switched to JWT, tokens issued through the real endpoint."""

import json
from collections.abc import Callable

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from joserfc import jws
from joserfc.jwk import RSAKey
from oauth2_provider.settings import oauth2_settings

from clients.models import AccessTokenFormat
from tests.factories import ApplicationFactory, MachineApplicationFactory
from tests.flows import token_request, tokens_for


@pytest.fixture
def jwt_machine_app(db):
    """A client-credentials client whose access tokens are JWTs living 120 seconds."""
    return MachineApplicationFactory(
        access_token_format=AccessTokenFormat.JWT,
        jwt_access_token_lifetime=120,
        allowed_scopes=["users:read", "notes:read"],
    )


@pytest.fixture
def jwt_web_app(db):
    """A confidential web client (code + refresh) whose access tokens are JWTs."""
    return ApplicationFactory(access_token_format=AccessTokenFormat.JWT, jwt_access_token_lifetime=300)


@pytest.fixture
def machine_jwt(client, jwt_machine_app) -> Callable[..., str]:
    """A JWT access token for ``jwt_machine_app``, from /o/token/ (client credentials)."""

    def issue(scope: str = "users:read", **extra) -> str:
        response = token_request(
            client, jwt_machine_app, {"grant_type": "client_credentials", "scope": scope, **extra}
        )
        assert response.status_code == 200, response.content
        return response.json()["access_token"]

    return issue


@pytest.fixture
def user_jwt(browser, client, jwt_web_app) -> Callable[..., dict]:
    """The token response of a whole code + PKCE flow of ``jwt_web_app`` for the signed-in user."""

    def issue(scope: str = "openid profile notes:read", **extra) -> dict:
        return tokens_for(browser, client, jwt_web_app, scope=scope, **extra)

    return issue


def signing_key() -> RSAKey:
    return RSAKey.import_key(oauth2_settings.OIDC_RSA_PRIVATE_KEY)


def unverified(token: str) -> tuple[dict, dict]:
    """(header, claims) of a compact JWS, not verified."""
    parsed = jws.extract_compact(token.encode())

    return parsed.headers(), json.loads(parsed.payload)


def forged(claims: dict, *, header: dict | None = None, key=None) -> str:
    """A compact JWS over ``claims``, signed with ``key`` (default: the provider's own signing key).

    ``header`` overrides the access token header; a value of None leaves that parameter out.
    """

    key = key or signing_key()
    header = {"typ": "at+jwt", "alg": "RS256", "kid": signing_key().thumbprint(), **(header or {})}
    header = {name: value for name, value in header.items() if value is not None}  # None: leave it out
    return jws.serialize_compact(header, json.dumps(claims).encode(), key, algorithms=[header["alg"]])


@pytest.fixture
def feed_not_due(settings) -> None:
    """Production's rhythm: the token cache's feed read now and not due again during the test."""
    from tests.idp import set_idp
    from token_cache.cache import access_tokens

    set_idp(settings, TOKEN_CACHE_POLL_SECONDS=3600.0)
    access_tokens.sync()


def bearer(token: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def new_pem() -> str:
    """A new RSA private key in PEM, as an operator would generate for a key rotation."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
