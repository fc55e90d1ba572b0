"""Sign-in failures counted by one app process lock the name out in every other, through the shared cache.

Each test counts through one cache client and signs in through another that shares nothing with it in
Python, the way two gunicorn workers (or two machines) would.
"""

import uuid

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from accounts.sign_in_lockout import SignInLockoutHandler
from tests.factories import USER_PASSWORD
from tests.idp import set_idp
from tests.workers import worker_run

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def small_limits(settings) -> None:
    set_idp(settings, LOGIN_MAX_FAILURES_PER_ACCOUNT=3)


def two_caches(settings, backend: str, location: str) -> None:
    """Two cache aliases, ``worker_a`` and ``worker_b``, configured identically (separate client objects)."""
    config = {"BACKEND": backend, "LOCATION": location}
    settings.CACHES = {**settings.CACHES, "worker_a": dict(config), "worker_b": dict(config)}


def sign_in(settings, alias: str, username: str, password: str):
    settings.AXES_CACHE = alias
    return Client().post(reverse("login"), {"username": username, "password": password})


def test_a_lockout_counted_by_one_process_holds_in_another_through_the_database_cache(settings, user):
    two_caches(settings, "django.core.cache.backends.db.DatabaseCache", "sign_in_shared_test")
    call_command("createcachetable", database="default", verbosity=0)

    for _ in range(3):
        sign_in(settings, "worker_a", "alice", "wrong")

    assert sign_in(settings, "worker_b", "alice", USER_PASSWORD).status_code == 429


def test_per_process_memory_caches_would_not_share_the_lockout(settings, user):
    """The control for the test above: it can tell shared from unshared counts."""
    two_caches(settings, "django.core.cache.backends.locmem.LocMemCache", "")
    settings.CACHES["worker_b"]["LOCATION"] = "another-process"

    for _ in range(3):
        sign_in(settings, "worker_a", "alice", "wrong")

    assert sign_in(settings, "worker_b", "alice", USER_PASSWORD).status_code == 302


@pytest.mark.skipif(not settings.REDIS_URL_FOR_TESTS, reason="REDIS_URL_FOR_TESTS is not set")
def test_failures_counted_by_a_separate_process_continue_here_through_redis(settings):
    two_caches(settings, "config.redis_cache.RedisCache", settings.REDIS_URL_FOR_TESTS)
    name = f"someone-{uuid.uuid4().hex}"  # unique, so a shared Redis database is harmless
    # A second Python process, configured from the environment as a production worker would be. It has no
    # database, so it runs axes' failure handler directly: what Django's user_login_failed signal runs.
    worker_run(
        settings,
        "from django.test import RequestFactory;"
        "from axes.handlers.proxy import AxesProxyHandler;"
        f"[AxesProxyHandler.user_login_failed('worker', {{'username': {name!r}}}, RequestFactory().post('/'))"
        " for _ in range(2)]",
        LOGIN_MAX_FAILURES_PER_ACCOUNT="3",
    )
    try:
        # The third failure, here, reaches the limit the other process's two brought close.
        assert sign_in(settings, "worker_b", name, "wrong").status_code == 429
        assert sign_in(settings, "worker_b", f"{name}-other", "wrong").status_code == 200
    finally:
        handler = SignInLockoutHandler()
        handler.reset_attempts(username=name, ip_address="127.0.0.1")
        handler.reset_attempts(username=f"{name}-other")
