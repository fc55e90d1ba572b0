"""A real app server whose database goes away answers 503 JSON at once, and recovers by itself when it returns.

The app (gunicorn, production-like persistent connections with health checks) reaches PostgreSQL
through a TCP proxy this test controls; cutting it black-holes the database mid-run.
"""

import json
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

from tests.factories import AccessTokenFactory
from tests.faults.tcp_proxy import TcpProxy

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: the app server reaches it through a cuttable proxy",
    ),
    pytest.mark.django_db(transaction=True),
]

# How long a request may take at most: a hang (no connect timeout) fails the test instead of stalling it.
REQUEST_TIMEOUT_SECONDS = 20
STARTUP_TIMEOUT_SECONDS = 60


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def database_proxy() -> Iterator[TcpProxy]:
    proxy = TcpProxy((connection.settings_dict["HOST"] or "127.0.0.1", int(connection.settings_dict["PORT"] or 5432)))
    yield proxy
    proxy.close()


@pytest.fixture
def app_server(database_proxy: TcpProxy, tmp_path: Path) -> Iterator[str]:
    """gunicorn serving the project against the test database, through the proxy; yields its base URL."""
    port = free_port()
    database = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        # Production's connection settings (persistent, health-checked), with a short connect timeout.
        "DATABASE_URL": (
            f"postgres://{database['USER']}@127.0.0.1:{database_proxy.port}/{database['NAME']}"
            "?connect_timeout=2&conn_max_age=60&conn_health_checks=True"
        ),
    }
    log = (tmp_path / "server.log").open("w")
    command = [sys.executable, "-m", "gunicorn", "config.wsgi:application", "--bind", f"127.0.0.1:{port}"]
    server = subprocess.Popen(  # noqa: S603 - fixed command, our own interpreter
        [*command, "--workers", "1", "--threads", "2", "--timeout", "60"],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
        while True:
            try:
                urllib.request.urlopen(f"{base_url}/o/.well-known/jwks.json", timeout=2)  # noqa: S310
                break
            except OSError:
                assert server.poll() is None, (tmp_path / "server.log").read_text()
                assert time.monotonic() < deadline, "the app server did not start"
                time.sleep(0.2)
        yield base_url
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


def call(url: str, *, headers: dict | None = None, form: dict | None = None) -> tuple[int, dict, bytes]:
    """(status, headers, body) of one GET, or of a form POST when ``form`` is given; error statuses included."""
    data = urlencode(form).encode() if form is not None else None
    request = urllib.request.Request(url, data=data, headers=headers or {})  # noqa: S310 - our own server
    try:
        with urllib.request.urlopen(request, timeout=REQUEST_TIMEOUT_SECONDS) as response:  # noqa: S310
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def test_outage_is_a_503_json_and_the_app_recovers_without_a_restart(app_server, database_proxy):
    token = AccessTokenFactory()
    userinfo = app_server + reverse("oauth2_provider:user-info")
    bearer = {"Authorization": f"Bearer {token.raw_token}"}
    assert call(userinfo, headers=bearer)[0] == 200

    database_proxy.cut()
    down = [
        call(userinfo, headers=bearer),
        call(app_server + reverse("oauth2_provider:token"), form={"grant_type": "client_credentials"}),
        call(app_server + reverse("api:me"), headers=bearer),
    ]

    for status, headers, body in down:
        assert status == 503, body
        assert headers["Content-Type"] == "application/json"
        assert json.loads(body)["error"] == "temporarily_unavailable"
        assert headers["Retry-After"].isdigit()
        assert b"Traceback" not in body

    database_proxy.restore()

    assert call(userinfo, headers=bearer)[0] == 200


def test_a_browser_page_gets_the_503_page_during_the_outage(app_server, database_proxy):
    database_proxy.cut()

    # A signed-in page reads the session table first (a well-formed key is looked up, a malformed one is not).
    cookie = f"{settings.SESSION_COOKIE_NAME}={'s' * 32}"
    status, headers, body = call(
        app_server + reverse("password_change"), headers={"Accept": "text/html", "Cookie": cookie}
    )

    assert status == 503
    assert headers["Content-Type"].startswith("text/html")
    assert b"Temporarily unavailable" in body
    assert b"Traceback" not in body
