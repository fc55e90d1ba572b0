"""Fixtures for the token cache's tests."""

import pytest

from tests.factories import AccessTokenFactory
from tests.idp import set_idp
from token_cache.cache import access_tokens


@pytest.fixture
def access_token(user, web_app):
    """A live access token of ``user`` at ``web_app`` with the profile scope; ``.raw_token`` is the bearer."""
    return AccessTokenFactory(user=user, application=web_app, scope="openid profile")


@pytest.fixture
def rare_feed_reads(settings, access_token) -> None:
    """Production's rhythm without the clock: the feed read once now, and not again unless a test says so."""
    set_idp(settings, TOKEN_CACHE_POLL_SECONDS=3600.0)
    access_tokens.sync()
