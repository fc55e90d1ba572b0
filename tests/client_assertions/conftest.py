"""A machine client registered for private_key_jwt with an RSA key made for the test."""

import pytest
from django.core.cache import cache

from clients.models import TokenEndpointAuthMethod
from tests.client_assertions.keys import KEY_FOR_ALGORITHM, public_jwks
from tests.factories import MachineApplicationFactory, ResourceServerApplicationFactory


@pytest.fixture(autouse=True)
def _forget_used_jti() -> None:
    cache.clear()


@pytest.fixture
def client_key():
    return KEY_FOR_ALGORITHM["RS256"]()


@pytest.fixture
def key_app(db, client_key):
    return MachineApplicationFactory(
        token_endpoint_auth_method=TokenEndpointAuthMethod.PRIVATE_KEY_JWT, jwks=public_jwks(client_key)
    )


@pytest.fixture
def key_resource_server(db, client_key):
    return ResourceServerApplicationFactory(
        token_endpoint_auth_method=TokenEndpointAuthMethod.PRIVATE_KEY_JWT, jwks=public_jwks(client_key)
    )
