"""On SQLite (make run's database), eight clients at once get tokens, refresh and revoke with no 5xx at all.

A real app server (gunicorn, two processes of four threads) runs the developer settings on a migrated
SQLite file, so writers in different processes contend for SQLite's one write lock as under ``make run``.
Without WAL, BEGIN IMMEDIATE and a busy timeout, about half of such requests failed with
"database is locked", answered as a 503.
"""

import json
import logging
import os
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from tests.live_servers import call, gunicorn_start, gunicorn_stop, wait_until_serving

log = logging.getLogger(__name__)

CLIENTS = 8
SECONDS_PER_CLIENT = 5.0

# Run in a fresh interpreter against the SQLite file: migrate it, then register the clients and mint one
# refresh token per parallel client the way bench/ does (bench.dataset), and print what the clients need.
SEED = f"""
import json, django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
call_command("createcachetable", verbosity=0)
from bench.dataset import bench_user, create_clients, mint_refresh_tokens
clients = create_clients("tuned")
refresh_tokens = mint_refresh_tokens(app=clients.web, user=bench_user(), count={CLIENTS})
print(json.dumps({{
    "machine": clients.basic(clients.machine), "web": clients.basic(clients.web), "refresh_tokens": refresh_tokens,
}}))
"""


@pytest.fixture
def developer_env(tmp_path: Path) -> dict[str, str]:
    """``make run``'s settings on an SQLite file of this test's own, with the database cache (no Redis)."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "REDIS_URL": "",
        # The test key, so the run does not generate a development key in the checkout's .keys/.
        "OIDC_RSA_PRIVATE_KEY": settings.OAUTH2_PROVIDER["OIDC_RSA_PRIVATE_KEY"],
    }


@pytest.fixture
def seeded(developer_env: dict[str, str]) -> dict:
    """Migrate the SQLite file and create the clients; the Basic headers and the refresh tokens."""
    result = subprocess.run(  # noqa: S603 - our own interpreter running a fixed script
        [sys.executable, "-c", SEED],
        cwd=settings.BASE_DIR,
        env=developer_env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.fixture
def app_server(developer_env: dict[str, str], seeded: dict, tmp_path: Path) -> Iterator[str]:
    """gunicorn, two processes of four threads, serving the developer settings on the seeded SQLite file."""
    log_path = tmp_path / "server.log"
    server, base_url = gunicorn_start(
        database_url=developer_env["DATABASE_URL"],
        log_path=log_path,
        env=developer_env,
        args=("--workers", "2", "--threads", "4", "--timeout", "60"),
    )
    try:
        wait_until_serving(server, base_url, log_path)
        yield base_url
    finally:
        gunicorn_stop(server)


def one_client(base_url: str, seeded: dict, refresh_token: str, statuses: Counter) -> None:
    """For SECONDS_PER_CLIENT: a client-credentials token, its revocation, and a refresh of this client's chain."""
    token_url = base_url + reverse("oauth2_provider:token")
    revoke_url = base_url + reverse("oauth2_provider:revoke-token")
    machine = {"Authorization": seeded["machine"]}
    web = {"Authorization": seeded["web"]}
    deadline = time.monotonic() + SECONDS_PER_CLIENT
    while time.monotonic() < deadline:
        status, _, body = call(token_url, headers=machine, form={"grant_type": "client_credentials"})
        statuses["token", status] += 1
        if status == 200:
            status, _, _ = call(revoke_url, headers=machine, form={"token": json.loads(body)["access_token"]})
            statuses["revoke", status] += 1
        status, _, body = call(
            token_url, headers=web, form={"grant_type": "refresh_token", "refresh_token": refresh_token}
        )
        statuses["refresh", status] += 1
        if status == 200:
            refresh_token = json.loads(body)["refresh_token"]


def test_parallel_token_refresh_and_revocation_requests_never_get_a_5xx(app_server, seeded):
    statuses: Counter = Counter()
    counters = [Counter() for _ in range(CLIENTS)]
    threads = [
        threading.Thread(target=one_client, args=(app_server, seeded, refresh_token, counter))
        for refresh_token, counter in zip(seeded["refresh_tokens"], counters, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for counter in counters:
        statuses.update(counter)

    summary = ", ".join(f"{kind} {status}: {count}" for (kind, status), count in sorted(statuses.items()))
    log.info("%d requests from %d parallel clients: %s", statuses.total(), CLIENTS, summary)
    assert statuses.total() > 0
    assert not [key for key in statuses if key[1] >= 500], summary
    assert {status for _, status in statuses} == {200}, summary
