"""The Redis cache backend counts atomically, keeps a counter's time-to-live, and reuses one client per server."""

import threading
import uuid
from collections.abc import Iterator

import pytest
from django.conf import settings as django_settings
from django.core.cache import caches
from django.core.cache.backends.base import BaseCache

pytestmark = pytest.mark.skipif(not django_settings.REDIS_URL_FOR_TESTS, reason="REDIS_URL_FOR_TESTS is not set")


@pytest.fixture
def redis_cache(settings) -> Iterator[BaseCache]:
    """Production's Redis backend at REDIS_URL_FOR_TESTS, under a key prefix no other test run shares."""
    settings.CACHES = {
        **settings.CACHES,
        "redis": {
            "BACKEND": "config.redis_cache.RedisCache",
            "LOCATION": settings.REDIS_URL_FOR_TESTS,
            "KEY_PREFIX": f"test-{uuid.uuid4().hex}",
        },
    }
    cache = caches["redis"]
    yield cache
    cache.delete_many(["counter", "missing"])


def test_incr_counts_up_and_decr_counts_down(redis_cache):
    redis_cache.add("counter", 0, 60)

    assert redis_cache.incr("counter") == 1
    assert redis_cache.incr("counter", 5) == 6
    assert redis_cache.decr("counter", 2) == 4
    assert redis_cache.get("counter") == 4


def test_incr_of_a_missing_key_raises_and_creates_nothing(redis_cache):
    with pytest.raises(ValueError, match="not found"):
        redis_cache.incr("missing")

    assert redis_cache.get("missing") is None


def test_incr_keeps_the_counters_time_to_live(redis_cache):
    redis_cache.add("counter", 0, 60)

    redis_cache.incr("counter")

    key = redis_cache.make_key("counter")
    assert 0 < redis_cache._cache.get_client(key).ttl(key) <= 60


def test_concurrent_increments_from_threads_are_all_counted(redis_cache):
    redis_cache.add("counter", 0, 60)

    def count() -> None:
        for _ in range(100):
            redis_cache.incr("counter")

    threads = [threading.Thread(target=count) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert redis_cache.get("counter") == 800


def test_every_command_goes_through_one_client_object(redis_cache):
    client = redis_cache._cache.get_client("a", write=True)

    assert redis_cache._cache.get_client("b") is client
    assert redis_cache._cache.get_client(None, write=True) is client
