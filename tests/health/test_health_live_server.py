"""A real app server whose database is cut: /health/live stays 200, /health/ready is 503 until it returns.

The app (gunicorn, production-like persistent connections with health checks) reaches PostgreSQL
through a TCP proxy this test controls, as in tests/faults/test_database_outage_live_server.py.
"""

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import connection
from django.urls import reverse

from tests.faults.tcp_proxy import TcpProxy
from tests.live_servers import call, gunicorn_start, gunicorn_stop, wait_until_serving

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: the app server reaches it through a cuttable proxy",
    ),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def database_proxy() -> Iterator[TcpProxy]:
    proxy = TcpProxy((connection.settings_dict["HOST"] or "127.0.0.1", int(connection.settings_dict["PORT"] or 5432)))
    yield proxy
    proxy.close()


@pytest.fixture
def app_server(database_proxy: TcpProxy, tmp_path: Path) -> Iterator[str]:
    database = connection.settings_dict
    log_path = tmp_path / "server.log"
    server, base_url = gunicorn_start(
        database_url=(
            f"postgres://{database['USER']}@127.0.0.1:{database_proxy.port}/{database['NAME']}"
            "?connect_timeout=2&conn_max_age=60&conn_health_checks=True"
        ),
        log_path=log_path,
        args=("--workers", "1", "--threads", "2", "--timeout", "60"),
    )
    try:
        wait_until_serving(server, base_url, log_path)
        yield base_url
    finally:
        gunicorn_stop(server)


def probe(base_url: str, url_name: str) -> tuple[int, dict]:
    status, headers, body = call(base_url + reverse(url_name))
    assert headers["Content-Type"] == "application/json"
    assert headers["Cache-Control"] == "no-store"
    return status, json.loads(body)


def test_a_cut_database_makes_the_instance_unready_not_dead_until_it_returns(app_server, database_proxy):
    assert probe(app_server, "health:ready") == (200, {"status": "ok", "checks": {"database": "ok", "cache": "ok"}})

    database_proxy.cut()

    assert probe(app_server, "health:live") == (200, {"status": "ok"})
    assert probe(app_server, "health:ready") == (
        503,
        {"status": "unavailable", "checks": {"database": "failed", "cache": "ok"}},
    )

    database_proxy.restore()

    assert probe(app_server, "health:ready")[0] == 200
