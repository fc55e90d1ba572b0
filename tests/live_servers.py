"""Real app servers for the tests that need separate processes: gunicorn over the test database."""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

from django.conf import settings

REQUEST_TIMEOUT_SECONDS = 20
STARTUP_TIMEOUT_SECONDS = 60
# Cheap, database-free, and served by every process once it has imported the project.
READY_PATH = "/o/.well-known/jwks.json"


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def gunicorn_start(
    *, database_url: str, log_path: Path, env: dict | None = None, args: tuple[str, ...] = (), port: int | None = None
) -> tuple[subprocess.Popen, str]:
    """Start gunicorn serving ``config.wsgi`` with the test settings; return the process and its base URL."""
    port = port or free_port()
    server_env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test", "DATABASE_URL": database_url}
    with log_path.open("w") as log:  # the child keeps its own handle
        server = subprocess.Popen(  # noqa: S603 - fixed command, our own interpreter
            [sys.executable, "-m", "gunicorn", "config.wsgi:application", "--bind", f"127.0.0.1:{port}", *args],
            cwd=settings.BASE_DIR,
            env={**server_env, **(env or {})},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    return server, f"http://127.0.0.1:{port}"


def wait_until_serving(server: subprocess.Popen, base_url: str, log_path: Path) -> None:
    """Return once ``base_url`` answers; fail with the server's log if it exits or takes too long."""
    deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
    while True:
        try:
            urllib.request.urlopen(f"{base_url}{READY_PATH}", timeout=2)  # noqa: S310 - our own server
            return
        except OSError:
            assert server.poll() is None, f"the app server exited at start:\n{log_path.read_text()}"
            assert time.monotonic() < deadline, f"the app server did not start:\n{log_path.read_text()}"
            time.sleep(0.2)


def gunicorn_stop(server: subprocess.Popen) -> None:
    server.terminate()
    server.wait(timeout=30)


def call(url: str, *, headers: dict | None = None, form: dict | None = None) -> tuple[int, dict, bytes]:
    """(status, headers, body) of one GET, or of a form POST when ``form`` is given; error statuses included."""
    data = urlencode(form).encode() if form is not None else None
    request = urllib.request.Request(url, data=data, headers=headers or {})  # noqa: S310 - our own server
    try:
        with urllib.request.urlopen(request, timeout=REQUEST_TIMEOUT_SECONDS) as response:  # noqa: S310
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()
