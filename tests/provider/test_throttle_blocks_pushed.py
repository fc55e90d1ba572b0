"""With Redis, every process mirrors the brute-force blocks in force, pushed over pub/sub: a check costs no round trip.

Each test proves the mirror answered by making the cache's own read fail: a check that still asked Redis
would raise. "Another process" is a second Python interpreter configured from the environment, as a
production worker would be.
"""

import time
import uuid

import pytest
import redis
from django.conf import settings
from django.core.cache import caches

from provider import throttle_blocks
from provider.throttle_blocks import block_mirror
from provider.throttling import Limit, register_failure, reset, retry_after
from tests.idp import set_idp
from tests.waiting import wait_for
from tests.workers import worker_run

pytestmark = pytest.mark.skipif(not settings.REDIS_URL_FOR_TESTS, reason="REDIS_URL_FOR_TESTS is not set")

LIMIT = Limit("pushed-test", max_failures=3, window=60)
ALIAS = "throttle_blocks"


@pytest.fixture
def redis_throttles(settings):
    """Throttle counters in Redis, blocks pushed; every mirror this test started is stopped afterwards."""
    settings.CACHES = {
        **settings.CACHES,
        ALIAS: {"BACKEND": "config.redis_cache.RedisCache", "LOCATION": settings.REDIS_URL_FOR_TESTS},
    }
    set_idp(settings, THROTTLE_CACHE_ALIAS=ALIAS, THROTTLE_BLOCKS_PUSHED=True)
    yield caches[ALIAS]
    throttle_blocks.stop_all()


@pytest.fixture
def subject():
    value = f"client-{uuid.uuid4().hex}"  # unique, so a shared Redis database is harmless
    yield value
    reset(LIMIT, value)


def subscribed_mirror(cache):
    mirror = block_mirror(cache)
    assert mirror.subscribed.wait(timeout=5), "the mirror never subscribed"
    return mirror


def redis_unreadable(monkeypatch, cache) -> None:
    """From now on, a check that asks Redis fails the test: only the mirror may answer."""

    def refuse(*args, **kwargs):
        raise AssertionError("the check asked Redis")

    monkeypatch.setattr(cache, "get_many", refuse)


def in_another_process(settings, statements: str) -> None:
    worker_run(
        settings,
        "from provider.throttling import Limit, register_failure, reset;"
        f"limit = Limit({LIMIT.scope!r}, {LIMIT.max_failures}, {LIMIT.window});" + statements,
        THROTTLE_BLOCKS_PUSHED="true",
    )


def test_a_block_started_by_another_process_is_honoured_here_without_asking_redis(
    settings, redis_throttles, subject, monkeypatch
):
    subscribed_mirror(redis_throttles)
    redis_unreadable(monkeypatch, redis_throttles)

    in_another_process(settings, f"[register_failure(limit, {subject!r}) for _ in range({LIMIT.max_failures})]")

    assert wait_for(lambda: retry_after(LIMIT, subject) > 0)
    assert 55 <= retry_after(LIMIT, subject) <= 60
    assert retry_after(LIMIT, f"{subject}-other") == 0


def test_a_block_lifted_by_another_process_is_lifted_here(settings, redis_throttles, subject, monkeypatch):
    subscribed_mirror(redis_throttles)
    for _ in range(LIMIT.max_failures):
        register_failure(LIMIT, subject)
    redis_unreadable(monkeypatch, redis_throttles)
    assert retry_after(LIMIT, subject) > 0  # this process started it: known at once, before any message

    in_another_process(settings, f"reset(limit, {subject!r})")

    assert wait_for(lambda: retry_after(LIMIT, subject) == 0)


def test_blocks_in_force_before_the_mirror_subscribed_are_read_when_it_does(
    settings, redis_throttles, subject, monkeypatch
):
    set_idp(settings, THROTTLE_BLOCKS_PUSHED=False)
    for _ in range(LIMIT.max_failures):
        register_failure(LIMIT, subject)  # nobody mirrors: only Redis knows
    set_idp(settings, THROTTLE_BLOCKS_PUSHED=True)

    subscribed_mirror(redis_throttles)
    redis_unreadable(monkeypatch, redis_throttles)

    assert 55 <= retry_after(LIMIT, subject) <= 60


def test_a_block_ends_in_the_mirror_when_its_window_does(redis_throttles, subject, monkeypatch):
    short = Limit(LIMIT.scope, max_failures=1, window=1)
    subscribed_mirror(redis_throttles)
    register_failure(short, subject)
    redis_unreadable(monkeypatch, redis_throttles)
    assert retry_after(short, subject) == 1

    time.sleep(1.05)

    assert retry_after(short, subject) == 0


def test_checks_ask_redis_while_the_channel_is_down_and_the_mirror_catches_up_when_it_is_back(
    settings, redis_throttles, subject, monkeypatch
):
    mirror = subscribed_mirror(redis_throttles)
    assert mirror.vouches()
    admin = redis.Redis.from_url(settings.REDIS_URL_FOR_TESTS)

    admin.client_kill_filter(_type="pubsub")  # what a Redis restart or a dropped connection does to it
    assert wait_for(lambda: not mirror.vouches())
    # A block nobody announced (its message lost with the channel) is still honoured: the check asks Redis.
    set_idp(settings, THROTTLE_BLOCKS_PUSHED=False)
    for _ in range(LIMIT.max_failures):
        register_failure(LIMIT, subject)
    set_idp(settings, THROTTLE_BLOCKS_PUSHED=True)
    assert retry_after(LIMIT, subject) > 0

    # The subscriber reconnects by itself and reads the blocks again, the unannounced one included.
    assert wait_for(lambda: mirror.subscriptions_made == 2 and mirror.vouches(), timeout=10)
    monkeypatch.setattr(redis_throttles, "get_many", lambda *args, **kwargs: pytest.fail("the check asked Redis"))
    assert 55 <= retry_after(LIMIT, subject) <= 60


def test_a_mirror_holding_more_blocks_than_its_bound_stops_vouching(redis_throttles, subject, monkeypatch):
    monkeypatch.setattr(throttle_blocks, "MAX_BLOCKS", 2)
    mirror = subscribed_mirror(redis_throttles)
    one = Limit(LIMIT.scope, max_failures=1, window=60)
    subjects = [f"{subject}-{n}" for n in range(3)]
    try:
        for name in subjects[:2]:
            register_failure(one, name)
        assert mirror.vouches()

        register_failure(one, subjects[2])

        assert not mirror.vouches()
        assert retry_after(one, subjects[2]) > 0  # asked of Redis
    finally:
        for name in subjects:
            reset(one, name)


def test_the_scan_pattern_matches_only_block_keys_whatever_the_key_prefix(settings):
    settings.CACHES = {
        **settings.CACHES,
        "prefixed": {
            "BACKEND": "config.redis_cache.RedisCache",
            "LOCATION": settings.REDIS_URL_FOR_TESTS,
            "KEY_PREFIX": "idp*[1]",
        },
    }
    pattern = throttle_blocks._glob_pattern(caches["prefixed"])

    assert pattern == r"idp\*\[1\]:1:throttle:*:until:*"


def test_the_database_cache_has_no_mirror_and_every_check_asks_it(settings):
    set_idp(settings, THROTTLE_BLOCKS_PUSHED=True)
    settings.CACHES = {
        **settings.CACHES,
        "db": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "x"},
    }

    assert block_mirror(caches["db"]) is None
