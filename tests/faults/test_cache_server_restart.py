"""A restart of the shared cache (Redis) costs the requests made while it is down, never the ones after.

Throttles, single-use ``jti`` records and device polling live in Redis. redis-py's pooled connections
die with the server; the next command after the restart must reconnect by itself, without an app restart.
"""

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator

import pytest
import redis
from django.core.cache import caches
from django.urls import reverse

from provider import throttle_blocks
from provider.throttling import client_auth_limits, register_failure, retry_after
from tests.factories import MachineApplicationFactory
from tests.flows import FormClient, token_request
from tests.idp import set_idp
from tests.waiting import wait_for

REDIS_SERVER = shutil.which("redis-server")

pytestmark = pytest.mark.django_db

START_SECONDS = 10.0  # a bound for a failing test to end, not a measurement


class CacheServer:
    """A redis-server of the test's own on a free loopback port, stopped and started again at will."""

    def __init__(self) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(  # noqa: S603 - Debian's redis-server, fixed arguments
            [REDIS_SERVER, "--bind", "127.0.0.1", "--port", str(self.port), "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + START_SECONDS
        while True:
            try:
                redis.Redis.from_url(self.url).ping()
                return
            except redis.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.02)

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=START_SECONDS)
            self.process = None


@pytest.fixture
def cache_server(settings) -> Iterator[CacheServer]:
    if REDIS_SERVER is None:
        # CI's machine runs Redis from Debian's package, so the binary is there; a developer's may lack it.
        if settings.REDIS_REQUIRED:
            pytest.fail("CI requires Debian's redis-server on PATH for the cache restart tests.")
        pytest.skip("needs redis-server on PATH (apt-get install redis-server)")
    server = CacheServer()
    server.start()
    settings.CACHES = {"default": {"BACKEND": "config.redis_cache.RedisCache", "LOCATION": server.url}}
    try:
        yield server
    finally:
        server.stop()


def client_credentials(client, app):
    return token_request(client, app, {"grant_type": "client_credentials", "scope": "users:read"})


@pytest.fixture
def http():
    """A test client that returns what a real server would send instead of re-raising a middleware's error."""
    return FormClient(raise_request_exception=False)


def test_requests_after_a_cache_restart_succeed_without_an_app_restart(http, cache_server):
    app = MachineApplicationFactory()
    assert client_credentials(http, app).status_code == 200  # the pool now holds a connection to the old server

    cache_server.stop()
    cache_server.start()

    assert client_credentials(http, app).status_code == 200


def test_a_protocol_request_while_the_cache_is_down_is_503_temporarily_unavailable(http, cache_server):
    app = MachineApplicationFactory()
    cache_server.stop()

    response = client_credentials(http, app)

    assert response.status_code == 503
    assert response.json()["error"] == "temporarily_unavailable"
    assert "cache" in response.json()["error_description"]
    assert int(response["Retry-After"]) > 0


def test_a_sign_in_while_the_cache_is_down_is_the_readable_503_page(http, cache_server, user):
    cache_server.stop()

    # The sign-in counts failures per account and address in the cache (accounts.sign_in_lockout).
    response = http.post(reverse("login"), {"username": user.username, "password": "wrong"}, HTTP_ACCEPT="text/html")

    assert response.status_code == 503
    assert "cannot reach its cache" in response.content.decode()


def test_the_pushed_block_mirror_resubscribes_after_a_cache_restart_and_checks_ask_redis_meanwhile(
    http, cache_server, settings
):
    set_idp(settings, THROTTLE_BLOCKS_PUSHED=True)
    app = MachineApplicationFactory()
    try:
        assert client_credentials(http, app).status_code == 200
        mirror = throttle_blocks.block_mirror(caches["default"])
        assert mirror.subscribed.wait(timeout=START_SECONDS)

        cache_server.stop()
        assert wait_for(lambda: not mirror.vouches(), timeout=START_SECONDS)
        # The mirror no longer vouches, so the block check asks Redis, which is down: the same 503.
        assert client_credentials(http, app).status_code == 503

        cache_server.start()
        assert client_credentials(http, app).status_code == 200
        assert wait_for(lambda: mirror.subscriptions_made == 2 and mirror.vouches(), timeout=START_SECONDS)
        per_client, _ = client_auth_limits()
        for _ in range(per_client.max_failures):
            register_failure(per_client, app.client_id)
        assert retry_after(per_client, app.client_id) > 0
        assert client_credentials(http, app).status_code == 429  # blocked: refused before the secret is checked
    finally:
        throttle_blocks.stop_all()
