"""A revocation made through one app process is refused by another within TOKEN_CACHE_POLL_SECONDS.

Two gunicorn processes serve the test database, each with its own access-token cache and production's
poll interval. Both validate a token (so both have cached it), then it is revoked through the first, or
its user is switched off behind the app's back. The check is not a race against a clock: a process
reads the invalidation feed before answering whenever its last read began more than the interval ago,
so any request that starts an interval after the change committed is answered from fresh state.
"""

import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import connection
from django.urls import reverse

from accounts.models import User
from tests.factories import CLIENT_SECRET, AccessTokenFactory
from tests.flows import basic_auth
from tests.live_servers import call, gunicorn_start, gunicorn_stop, wait_until_serving

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: separate app processes must share the test database",
    ),
    pytest.mark.django_db(transaction=True),
]

POLL_SECONDS = 0.5  # production's TOKEN_CACHE_POLL_SECONDS


def start_server(tmp_path: Path, name: str) -> tuple[subprocess.Popen, str, Path]:
    database = connection.settings_dict
    log_path = tmp_path / f"{name}.log"
    server, base_url = gunicorn_start(
        database_url=f"postgres://{database['USER']}@{database['HOST'] or '127.0.0.1'}:{database['PORT'] or 5432}"
        f"/{database['NAME']}?conn_max_age=60",
        log_path=log_path,
        env={"TOKEN_CACHE_POLL_SECONDS": str(POLL_SECONDS)},
        args=("--workers", "1"),
    )
    return server, base_url, log_path


def status_of(url: str, **kwargs) -> int:
    return call(url, **kwargs)[0]


@pytest.fixture(scope="module")
def two_processes(django_db_setup, tmp_path_factory) -> Iterator[list[str]]:
    """Two app processes over the test database, started once for this module; yields their base URLs."""
    tmp_path = tmp_path_factory.mktemp("servers")
    servers = [start_server(tmp_path, name) for name in ("first", "second")]
    try:
        for server, base_url, log_path in servers:
            wait_until_serving(server, base_url, log_path)
        yield [base_url for _server, base_url, _log in servers]
    finally:
        for server, _base_url, _log in servers:
            gunicorn_stop(server)


@pytest.fixture
def cached_everywhere(two_processes):
    """A live token that both processes have just accepted, hence cached."""
    token = AccessTokenFactory(scope="openid profile")
    for base_url in two_processes:
        assert status_of(base_url + reverse("api:me"), headers={"Authorization": f"Bearer {token.raw_token}"}) == 200
    return token


def test_a_token_revoked_through_one_process_is_refused_by_the_other_within_the_poll_interval(
    two_processes, cached_everywhere
):
    first, second = two_processes
    bearer = {"Authorization": f"Bearer {cached_everywhere.raw_token}"}

    status = status_of(
        first + reverse("oauth2_provider:revoke-token"),
        form={"token": cached_everywhere.raw_token},
        headers={
            "Authorization": basic_auth(cached_everywhere.application.client_id, CLIENT_SECRET)["HTTP_AUTHORIZATION"]
        },
    )
    revoked_at = time.monotonic()

    assert status == 200
    # The process that revoked it forgot it at once.
    assert status_of(first + reverse("api:me"), headers=bearer) == 401
    time.sleep(max(0.0, revoked_at + POLL_SECONDS - time.monotonic()))
    assert status_of(second + reverse("api:me"), headers=bearer) == 401


def test_a_user_switched_off_behind_the_apps_back_is_refused_by_every_process_within_the_poll_interval(
    two_processes, cached_everywhere
):
    # A bulk update sends no model signal: only the database trigger announces it.
    User.objects.filter(pk=cached_everywhere.user_id).update(is_active=False)
    changed_at = time.monotonic()

    time.sleep(max(0.0, changed_at + POLL_SECONDS - time.monotonic()))
    for base_url in two_processes:
        assert (
            status_of(base_url + reverse("api:me"), headers={"Authorization": f"Bearer {cached_everywhere.raw_token}"})
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
            status_of(base_url + reverse("api:me"), headers={"Authorization": f"Bearer {cached_everywhere.raw_token}"})
            == 401
        )
