"""Throttle counters are shared by every app process: through the database cache, or Redis when configured.

Each test counts failures through one cache client and reads the block through another that shares
nothing with it in Python, the way two gunicorn workers (or two machines) would.
"""

import uuid

import pytest
from django.conf import settings
from django.core.cache import caches
from django.core.management import call_command

from provider.throttling import Limit, register_failure, reset, retry_after
from tests.idp import set_idp
from tests.workers import worker_run

pytestmark = pytest.mark.django_db

LIMIT = Limit("shared-test", max_failures=3, window=60)


def two_caches(settings, backend: str, location: str, **extra) -> None:
    """Two cache aliases, ``worker_a`` and ``worker_b``, configured identically (separate client objects)."""
    config = {"BACKEND": backend, "LOCATION": location, **extra}
    settings.CACHES = {**settings.CACHES, "worker_a": dict(config), "worker_b": dict(config)}


def block_through(settings, alias: str, subject: str) -> None:
    set_idp(settings, THROTTLE_CACHE_ALIAS=alias)
    for _ in range(LIMIT.max_failures):
        register_failure(LIMIT, subject)


def wait_through(settings, alias: str, subject: str) -> int:
    set_idp(settings, THROTTLE_CACHE_ALIAS=alias)
    return retry_after(LIMIT, subject)


def test_a_block_counted_in_one_process_holds_in_another_through_the_database_cache(settings):
    two_caches(settings, "django.core.cache.backends.db.DatabaseCache", "throttle_shared_test")
    call_command("createcachetable", database="default", verbosity=0)
    assert caches["worker_a"] is not caches["worker_b"]

    block_through(settings, "worker_a", "client-x")

    assert wait_through(settings, "worker_b", "client-x") > 0
    assert wait_through(settings, "worker_b", "client-y") == 0


def test_per_process_memory_caches_would_not_share_the_block(settings):
    """The control for the test above: it can tell shared from unshared counters."""
    two_caches(settings, "django.core.cache.backends.locmem.LocMemCache", "")
    settings.CACHES["worker_b"]["LOCATION"] = "another-process"

    block_through(settings, "worker_a", "client-x")

    assert wait_through(settings, "worker_a", "client-x") > 0
    assert wait_through(settings, "worker_b", "client-x") == 0


@pytest.mark.skipif(not settings.REDIS_URL_FOR_TESTS, reason="REDIS_URL_FOR_TESTS is not set")
def test_a_block_counted_by_a_separate_process_holds_here_through_redis(settings):
    two_caches(settings, "config.redis_cache.RedisCache", settings.REDIS_URL_FOR_TESTS)
    subject = f"client-{uuid.uuid4().hex}"  # unique, so a shared Redis database is harmless
    # A second Python process, configured from the environment as a production worker would be.
    worker_run(
        settings,
        "from provider.throttling import Limit, register_failure;"
        f"limit = Limit({LIMIT.scope!r}, {LIMIT.max_failures}, {LIMIT.window});"
        f"[register_failure(limit, {subject!r}) for _ in range({LIMIT.max_failures})]",
    )
    try:
        assert wait_through(settings, "worker_b", subject) > 0
        assert wait_through(settings, "worker_b", f"{subject}-other") == 0
    finally:
        reset(LIMIT, subject)
