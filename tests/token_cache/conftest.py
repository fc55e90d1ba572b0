"""Fixtures for the token cache's tests."""

from collections.abc import Iterator

import pytest

from tests.factories import AccessTokenFactory
from tests.idp import set_idp
from tests.token_cache.push import WAIT_SECONDS
from token_cache.cache import TokenCache, access_tokens


@pytest.fixture
def access_token(user, web_app):
    """A live access token of ``user`` at ``web_app`` with the profile scope; ``.raw_token`` is the bearer."""
    return AccessTokenFactory(user=user, application=web_app, scope="openid profile")


@pytest.fixture
def rare_feed_reads(settings, access_token) -> None:
    """Production's rhythm without the clock: the feed read once now, and not again unless a test says so."""
    set_idp(settings, TOKEN_CACHE_POLL_SECONDS=3600.0)
    access_tokens.sync()


@pytest.fixture
def pushed_cache(settings) -> Iterator[TokenCache]:
    """A cache whose listener is connected, and which would not poll within any test (an hour apart)."""
    set_idp(settings, TOKEN_CACHE_LISTEN=True, TOKEN_CACHE_POLL_SECONDS=3600.0, TOKEN_CACHE_LISTEN_POLL_SECONDS=3600.0)
    cache = TokenCache()
    cache.sync()  # starts the listener, and reads the feed's position
    try:
        assert cache._listener is not None
        assert cache._listener.connected.wait(WAIT_SECONDS)
        yield cache
    finally:
        cache.listener_stop()
