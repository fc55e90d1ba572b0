"""Introspecting a DPoP-bound token names its key and its type (RFC 9449 §6.2)."""

import pytest

from clients.models import AccessTokenFormat
from tests.dpop.proofs import new_key, token_post
from tests.factories import AccessTokenFactory, MachineApplicationFactory
from tests.flows import endpoint_request

pytestmark = pytest.mark.django_db


def _introspect(client, resource_server, token: str) -> dict:
    response = endpoint_request(client, "oauth2_provider:introspect", resource_server, {"token": token})
    assert response.status_code == 200, response.content
    return response.json()


def test_a_bound_token_is_described_with_cnf_jkt_and_token_type_dpop(client, resource_server, bound_token):
    key, token = bound_token()

    described = _introspect(client, resource_server, token.raw_token)

    assert described["active"] is True
    assert described["token_type"] == "DPoP"
    assert described["cnf"] == {"jkt": key.thumbprint()}


def test_an_unbound_token_stays_a_bearer_token_without_cnf(client, resource_server, user, web_app):
    token = AccessTokenFactory(user=user, application=web_app)

    described = _introspect(client, resource_server, token.raw_token)

    assert described["token_type"] == "Bearer"
    assert "cnf" not in described


def test_a_bound_jwt_access_token_is_described_with_its_cnf(client, resource_server):
    app = MachineApplicationFactory(access_token_format=AccessTokenFormat.JWT)
    key = new_key()
    token = token_post(client, app, {"grant_type": "client_credentials"}, key=key).json()["access_token"]

    described = _introspect(client, resource_server, token)

    assert described["token_type"] == "DPoP"
    assert described["cnf"] == {"jkt": key.thumbprint()}
