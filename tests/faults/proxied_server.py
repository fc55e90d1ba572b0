"""An app server that reaches PostgreSQL through a TCP proxy a test can cut, for outage and health tests."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import connection

from tests.faults.tcp_proxy import TcpProxy
from tests.live_servers import gunicorn_start, gunicorn_stop, wait_until_serving


@pytest.fixture
def database_proxy() -> Iterator[TcpProxy]:
    """A TCP proxy in front of the test database; ``cut()`` makes it unreachable, ``restore()`` brings it back."""
    proxy = TcpProxy((connection.settings_dict["HOST"] or "127.0.0.1", int(connection.settings_dict["PORT"] or 5432)))
    yield proxy
    proxy.close()


@pytest.fixture
def proxied_app_server(database_proxy: TcpProxy, tmp_path: Path) -> Iterator[str]:
    """gunicorn serving the project against the test database, through the proxy; yields its base URL."""
    database = connection.settings_dict
    log_path = tmp_path / "server.log"
    server, base_url = gunicorn_start(
        # Production's connection settings (persistent, health-checked), with a short connect timeout.
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
