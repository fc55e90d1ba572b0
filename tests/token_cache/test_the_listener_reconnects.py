"""A listener whose connection is cut (its backend terminated, as a database restart does) connects again.

While it is away its process polls every TOKEN_CACHE_POLL_SECONDS; once back, pushes drop cached tokens again.
"""

from accounts.models import User
from tests.factories import AccessTokenFactory
from tests.token_cache.push import cache_token, listener_backends, listener_backends_terminate, on_postgresql, wait_for

pytestmark = on_postgresql


def test_after_its_backend_is_terminated_the_listener_connects_again_and_pushes_reach_it(pushed_cache):
    listener = pushed_cache._listener
    token = AccessTokenFactory()

    first_backend = listener.backend_pid

    assert listener_backends_terminate(only=first_backend) == 1
    assert wait_for(lambda: listener.connections_made == 2 and listener.connected.is_set())
    cache_token(pushed_cache, token)
    User.objects.filter(pk=token.user_id).update(is_active=False)

    assert wait_for(lambda: token.token_checksum not in pushed_cache.tokens)
    assert listener.backend_pid != first_backend
    assert listener.backend_pid in listener_backends()
    assert wait_for(lambda: first_backend not in listener_backends())


def test_a_change_committed_while_the_listener_was_away_is_read_when_it_is_back(pushed_cache):
    listener = pushed_cache._listener
    token = AccessTokenFactory()
    cache_token(pushed_cache, token)
    listener._stopping.set()  # the thread ends, as if it could not reconnect for a while
    listener._thread.join()

    User.objects.filter(pk=token.user_id).update(is_active=False)
    listener_backends_terminate(only=listener.backend_pid)
    pushed_cache.listener_stop()
    pushed_cache.sync()  # a request starts a new listener, which reads the feed once connected

    assert wait_for(lambda: token.token_checksum not in pushed_cache.tokens)
