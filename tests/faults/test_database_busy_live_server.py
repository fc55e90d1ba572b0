"""A real app server behind a lock another connection holds answers 503 busy within about lock_timeout.

Another connection (an admin's long transaction, a stuck migration) holds a lock on the access-token
table; without a bounded wait every token request would queue behind it and tie up a worker each.
The app server runs with DATABASE_LOCK_TIMEOUT_MS set short, as an operator would set it.
"""

import json
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from django.db import connection
from django.urls import reverse
from oauth2_provider.models import get_access_token_model

from tests.factories import CLIENT_SECRET
from tests.live_servers import call, gunicorn_start, gunicorn_stop, wait_until_serving

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL: lock_timeout and real locks"),
    pytest.mark.django_db(transaction=True),
]

LOCK_TIMEOUT_MS = 400


@pytest.fixture
def app_server(tmp_path: Path) -> Iterator[str]:
    """gunicorn over the test database with a short lock_timeout; yields its base URL."""
    database = connection.settings_dict
    log_path = tmp_path / "server.log"
    server, base_url = gunicorn_start(
        database_url=f"postgres://{database['USER']}@{database['HOST'] or '127.0.0.1'}:{database['PORT'] or 5432}"
        f"/{database['NAME']}",
        log_path=log_path,
        env={"DATABASE_LOCK_TIMEOUT_MS": str(LOCK_TIMEOUT_MS)},
        args=("--workers", "1", "--threads", "2", "--timeout", "60"),
    )
    try:
        wait_until_serving(server, base_url, log_path)
        yield base_url
    finally:
        gunicorn_stop(server)


@pytest.fixture
def token_table_locked() -> Iterator[psycopg.Connection]:
    """A second connection holding a write-blocking lock on the access-token table inside an open transaction."""
    database = connection.settings_dict
    other = psycopg.connect(
        host=database["HOST"] or "127.0.0.1",
        port=database["PORT"] or 5432,
        user=database["USER"],
        dbname=database["NAME"],
    )
    table = get_access_token_model()._meta.db_table
    other.execute(f'LOCK TABLE "{table}" IN EXCLUSIVE MODE')  # reads go on, writes wait
    yield other
    other.close()


def token_request(base_url: str, machine_app) -> tuple[int, dict, bytes, float]:
    started = time.monotonic()
    status, headers, body = call(
        base_url + reverse("oauth2_provider:token"),
        form={"grant_type": "client_credentials", "client_id": machine_app.client_id, "client_secret": CLIENT_SECRET},
    )
    return status, headers, body, time.monotonic() - started


def test_a_token_request_behind_a_held_lock_is_a_quick_503_and_works_once_it_is_released(
    app_server, machine_app, token_table_locked
):
    status, headers, body, elapsed = token_request(app_server, machine_app)

    assert status == 503, body
    assert headers["Content-Type"] == "application/json"
    assert json.loads(body) == {
        "error": "temporarily_unavailable",
        "error_description": "The server is busy right now. Retry in a moment.",
    }
    assert headers["Retry-After"].isdigit()
    assert headers["Cache-Control"] == "no-store"
    # The lock wait is bounded: about LOCK_TIMEOUT_MS, plus the request's own work, never the lock's length.
    assert LOCK_TIMEOUT_MS / 1000 <= elapsed < LOCK_TIMEOUT_MS / 1000 + 3

    token_table_locked.rollback()

    status, _, body, _ = token_request(app_server, machine_app)
    assert status == 200, body
