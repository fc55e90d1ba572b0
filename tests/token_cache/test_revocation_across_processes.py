"""A revocation made through one app process is refused by another within TOKEN_CACHE_POLL_SECONDS.

Two gunicorn processes serve the test database, each with its own access-token cache and production's
poll interval. Both validate a token (so both have cached it), then it is revoked through the first, or
its user is switched off behind the app's back. The check is not a race against a clock: a process
reads the invalidation feed before answering whenever its last read began more than the interval ago,
so any request that starts an interval after the change committed is answered from fresh state.
"""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.db import connection
from django.urls import reverse

from accounts.models import User
from tests.factories import CLIENT_SECRET, AccessTokenFactory
from tests.flows import basic_auth

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: separate app processes must share the test database",
    ),
    pytest.mark.django_db(transaction=True),
]

POLL_SECONDS = 0.5  # production's TOKEN_CACHE_POLL_SECONDS
REQUEST_TIMEOUT_SECONDS = 20
STARTUP_TIMEOUT_SECONDS = 60


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def call(url: str, *, headers: dict | None = None, form: dict | None = None) -> int:
    """The status of one GET, or of a form POST when ``form`` is given."""
    data = urlencode(form).encode() if form is not None else None
    request = urllib.request.Request(url, data=data, headers=headers or {})  # noqa: S310 - our own server
    try:
        with urllib.request.urlopen(request, timeout=REQUEST_TIMEOUT_SECONDS) as response:  # noqa: S310
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def start_server(tmp_path: Path, name: str) -> tuple[subprocess.Popen, str]:
    port = free_port()
    database = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": f"postgres://{database['USER']}@{database['HOST'] or '127.0.0.1'}:{database['PORT'] or 5432}"
        f"/{database['NAME']}?conn_max_age=60",
        "TOKEN_CACHE_POLL_SECONDS": str(POLL_SECONDS),
    }
    log = (tmp_path / f"{name}.log").open("w")
    server = subprocess.Popen(  # noqa: S603 - fixed command, our own interpreter
        [sys.executable, "-m", "gunicorn", "config.wsgi:application", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    return server, f"http://127.0.0.1:{port}"


@pytest.fixture(scope="module")
def two_processes(django_db_setup, tmp_path_factory) -> Iterator[list[str]]:
    """Two app processes over the test database, started once for this module; yields their base URLs."""
    tmp_path = tmp_path_factory.mktemp("servers")
    servers = [start_server(tmp_path, name) for name in ("first", "second")]
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
        for server, base_url in servers:
            while True:
                try:
                    urllib.request.urlopen(f"{base_url}/o/.well-known/jwks.json", timeout=2)  # noqa: S310
                    break
                except OSError:
                    assert server.poll() is None, "an app server exited at start"
                    assert time.monotonic() < deadline, "an app server did not start"
                    time.sleep(0.2)
        yield [base_url for _server, base_url in servers]
    finally:
        for server, _base_url in servers:
            server.terminate()
            server.wait(timeout=30)


@pytest.fixture
def cached_everywhere(two_processes):
    """A live token that both processes have just accepted, hence cached."""
    token = AccessTokenFactory(scope="openid profile")
    for base_url in two_processes:
        assert call(base_url + reverse("api:me"), headers={"Authorization": f"Bearer {token.raw_token}"}) == 200
    return token


def test_a_token_revoked_through_one_process_is_refused_by_the_other_within_the_poll_interval(
    two_processes, cached_everywhere
):
    first, second = two_processes
    bearer = {"Authorization": f"Bearer {cached_everywhere.raw_token}"}

    status = call(
        first + reverse("oauth2_provider:revoke-token"),
        form={"token": cached_everywhere.raw_token},
        headers={
            "Authorization": basic_auth(cached_everywhere.application.client_id, CLIENT_SECRET)["HTTP_AUTHORIZATION"]
        },
    )
    revoked_at = time.monotonic()

    assert status == 200
    # The process that revoked it forgot it at once.
    assert call(first + reverse("api:me"), headers=bearer) == 401
    time.sleep(max(0.0, revoked_at + POLL_SECONDS - time.monotonic()))
    assert call(second + reverse("api:me"), headers=bearer) == 401


def test_a_user_switched_off_behind_the_apps_back_is_refused_by_every_process_within_the_poll_interval(
    two_processes, cached_everywhere
):
    # A bulk update sends no model signal: only the database trigger announces it.
    User.objects.filter(pk=cached_everywhere.user_id).update(is_active=False)
    changed_at = time.monotonic()

    time.sleep(max(0.0, changed_at + POLL_SECONDS - time.monotonic()))
    for base_url in two_processes:
        assert (
            call(base_url + reverse("api:me"), headers={"Authorization": f"Bearer {cached_everywhere.raw_token}"})
            == 401
        )


def test_a_client_disabled_in_one_place_is_refused_by_every_process_within_the_poll_interval(
    two_processes, cached_everywhere
):
    application = cached_everywhere.application
    application.is_active = False
    application.save()
    changed_at = time.monotonic()

    time.sleep(max(0.0, changed_at + POLL_SECONDS - time.monotonic()))
    for base_url in two_processes:
        assert (
            call(base_url + reverse("api:me"), headers={"Authorization": f"Bearer {cached_everywhere.raw_token}"})
            == 401
        )
