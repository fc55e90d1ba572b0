"""Fixtures for the query-count tests: the token cache in its production rhythm, and ready-made tokens."""

import pytest
from django.urls import reverse

from tests.factories import AccessTokenFactory
from tests.flows import basic_auth, tokens_for
from tests.idp import set_idp
from token_cache.cache import access_tokens


@pytest.fixture
def feed_read(settings, access_token) -> None:
    """The token cache's feed read once after the test data was written, and not due again in the test.

    Test settings read the feed on every request; production reads it every 0.5 s, so a request in
    between costs no query for it. The first read of a process is a one-off (see token_cache.cache).
    """
    set_idp(settings, TOKEN_CACHE_POLL_SECONDS=3600.0)
    access_tokens.sync()


@pytest.fixture
def feed_rhythm(settings) -> None:
    """Production's feed rhythm for the token endpoint tests: one read now, none due during the test."""
    set_idp(settings, TOKEN_CACHE_POLL_SECONDS=3600.0)
    access_tokens.sync()


@pytest.fixture
def access_token(user, web_app):
    """A live access token of ``user`` at ``web_app`` with the profile scope; ``.raw_token`` is the bearer."""
    return AccessTokenFactory(user=user, application=web_app, scope="openid profile")


@pytest.fixture
def issued(browser, client, web_app) -> dict:
    """A token response from a real code flow (consent, PKCE, exchange) with a refresh token."""
    return tokens_for(browser, client, web_app)


@pytest.fixture
def token_url() -> str:
    return reverse("oauth2_provider:token")


@pytest.fixture
def web_auth(web_app) -> dict:
    """HTTP Basic credentials of ``web_app``."""
    return basic_auth(web_app.client_id)
