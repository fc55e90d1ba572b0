"""Fixtures for the narrated demo's tests: the demo's users and clients in a live provider."""

import pytest
from joserfc.jwk import KeySet, RSAKey

from clients.models import AccessTokenFormat, TokenEndpointAuthMethod
from demo.management.commands.seed_demo import ALL_USER_SCOPES
from tests.factories import (
    CLIENT_SECRET,
    USER_PASSWORD,
    ApplicationFactory,
    DeviceApplicationFactory,
    MachineApplicationFactory,
    UserFactory,
)


@pytest.fixture
def demo_credentials(live_server, settings) -> dict:
    """The demo's users and clients as ``seed_demo`` makes them, and the credentials file it would write."""
    settings.OAUTH2_PROVIDER = {
        **settings.OAUTH2_PROVIDER,
        # The device page must be the live server's, and a 1 s poll interval keeps the test short.
        "OAUTH_DEVICE_VERIFICATION_URI": f"{live_server.url}/o/device/",
        "DEVICE_FLOW_INTERVAL": 1,
        # DOT builds each view's oauthlib server once per process, with these values baked in: rebuild it.
        "ALWAYS_RELOAD_OAUTHLIB_CORE": True,
    }
    UserFactory(username="alice", first_name="Alice", last_name="Liddell", email="alice@example.test")
    UserFactory(username="bob", first_name="Bob", last_name="Builder", email="bob@example.test")
    ApplicationFactory(
        client_id="demo-web",
        name="Demo web client",
        allowed_scopes=ALL_USER_SCOPES,
        redirect_uris="http://localhost:8001/callback",
        post_logout_redirect_uris="http://localhost:8001/",
    )
    MachineApplicationFactory(client_id="demo-machine", name="Demo machine client")
    MachineApplicationFactory(
        client_id="demo-machine-jwt",
        name="Demo machine client (JWT access tokens)",
        access_token_format=AccessTokenFormat.JWT,
        allowed_scopes=["users:read", "notes:read"],
    )
    key = RSAKey.generate_key(2048, parameters={"kid": "demo-machine-keys-1"})  # made for the test, never committed
    MachineApplicationFactory(
        client_id="demo-machine-keys",
        name="Demo machine client (private_key_jwt)",
        token_endpoint_auth_method=TokenEndpointAuthMethod.PRIVATE_KEY_JWT,
        jwks=KeySet([key]).as_dict(private=False),
    )
    MachineApplicationFactory(
        client_id="demo-machine-hmac",
        name="Demo machine client (client_secret_jwt)",
        token_endpoint_auth_method=TokenEndpointAuthMethod.CLIENT_SECRET_JWT,
    )
    MachineApplicationFactory(
        client_id="demo-machine-dpop", name="Demo machine client (DPoP-bound tokens)", dpop_bound_access_tokens=True
    )
    DeviceApplicationFactory(
        client_id="demo-device", name="Demo TV app (device flow)", allowed_scopes=["openid", "profile", "notes:read"]
    )
    return {
        "provider_url": live_server.url,
        "client_url": "http://localhost:8001",
        "users": {"alice": USER_PASSWORD, "bob": USER_PASSWORD},
        "client_secrets": {
            "demo-web": CLIENT_SECRET,
            "demo-machine": CLIENT_SECRET,
            "demo-machine-jwt": CLIENT_SECRET,
            "demo-machine-hmac": CLIENT_SECRET,
            "demo-machine-dpop": CLIENT_SECRET,
        },
        "client_keys": {"demo-machine-keys": key.as_dict(private=True)},
    }
