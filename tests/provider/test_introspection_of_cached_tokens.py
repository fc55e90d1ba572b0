"""Introspection answers from the token cache, yet a token revoked, expired or disowned once cached is inactive."""

import pytest

from tests.factories import AccessTokenFactory
from tests.flows import endpoint_request
from tests.idp import set_idp
from tests.token_cache.changes import BULK_CHANGES
from token_cache.cache import access_tokens

pytestmark = pytest.mark.django_db


def introspect(client, resource_server, token) -> dict:
    response = endpoint_request(client, "oauth2_provider:introspect", resource_server, {"token": token.raw_token})
    assert response.status_code == 200
    return response.json()


@pytest.fixture
def token(client, settings, resource_server, user, web_app):
    """A live token, introspected once, so this process has it cached; the feed is not read again unless asked."""
    token = AccessTokenFactory(user=user, application=web_app, scope="openid profile")
    set_idp(settings, TOKEN_CACHE_POLL_SECONDS=3600.0)
    access_tokens.sync()
    assert introspect(client, resource_server, token)["active"] is True
    assert token.token_checksum in access_tokens.tokens
    return token


def test_a_cached_token_revoked_here_is_inactive_at_once(client, resource_server, web_app, token):
    endpoint_request(client, "oauth2_provider:revoke-token", web_app, {"token": token.raw_token})

    assert introspect(client, resource_server, token) == {"active": False}


def test_a_cached_token_of_a_user_deactivated_here_is_inactive_at_once(client, resource_server, token):
    token.user.is_active = False
    token.user.save()

    assert introspect(client, resource_server, token) == {"active": False}


@pytest.mark.parametrize("change", BULK_CHANGES)
def test_a_cached_token_changed_behind_the_apps_back_is_inactive_from_the_next_feed_read(
    client, settings, resource_server, token, change
):
    change(token)
    set_idp(settings, TOKEN_CACHE_POLL_SECONDS=0.0)  # the interval has passed (another process made the change)

    assert introspect(client, resource_server, token) == {"active": False}


def test_a_cached_answer_is_the_full_description(client, resource_server, token):
    body = introspect(client, resource_server, token)

    assert body["client_id"] == token.application.client_id
    assert body["username"] == token.user.username
    assert body["sub"] == str(token.user_id)
    assert body["scope"] == "openid profile"
    assert body["exp"] == int(token.expires.timestamp())
    assert body["iat"] == int(token.created.timestamp())
