"""The push is trusted only while its channel works: without it each request polls at TOKEN_CACHE_POLL_SECONDS."""

import pytest

from accounts.models import User
from tests.factories import AccessTokenFactory
from tests.idp import set_idp
from tests.live_servers import free_port
from tests.token_cache.push import cache_token, on_postgresql, wait_for
from token_cache.cache import TokenCache

pytestmark = on_postgresql


@pytest.fixture
def unreachable_channel(settings):
    """A cache whose listener cannot connect (nothing listens where it is sent); polling on every request."""
    set_idp(
        settings,
        TOKEN_CACHE_LISTEN=True,
        TOKEN_CACHE_LISTEN_DATABASE_URL=f"postgres://postgres@127.0.0.1:{free_port()}/nothing?connect_timeout=1",
        TOKEN_CACHE_POLL_SECONDS=0.0,
        TOKEN_CACHE_LISTEN_POLL_SECONDS=3600.0,
    )
    cache = TokenCache()
    cache.sync()
    yield cache
    cache.listener_stop()


def test_while_the_listener_cannot_connect_a_request_reads_the_feed(unreachable_channel, django_assert_num_queries):
    token = AccessTokenFactory()
    cache_token(unreachable_channel, token)
    User.objects.filter(pk=token.user_id).update(is_active=False)

    with django_assert_num_queries(1):
        unreachable_channel.sync()

    assert unreachable_channel._listener.connections_made == 0
    assert token.token_checksum not in unreachable_channel.tokens


def test_while_the_listener_vouches_for_its_channel_a_request_does_not_poll(
    settings, pushed_cache, django_assert_num_queries
):
    set_idp(settings, TOKEN_CACHE_POLL_SECONDS=0.0)  # would read on every request without the push
    # Whatever was announced so far has been read (by the listener itself).
    assert wait_for(lambda: pushed_cache._moves_read == pushed_cache._moves)

    with django_assert_num_queries(0):
        pushed_cache.sync()
