"""The provider the documentation's commands run against: `make run`'s settings and demo data, on a port of its own."""

import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings

from tests.live_servers import free_port, gunicorn_start, gunicorn_stop, wait_until_serving

DOCS_DIR = settings.BASE_DIR / "docs"


@dataclass(frozen=True, slots=True)
class DocsServer:
    """A running provider, the environment its manage.py commands need, and the demo credentials file."""

    url: str
    env: dict[str, str]
    credentials_file: Path


@pytest.fixture(scope="session")
def docs_server(tmp_path_factory) -> Iterator[DocsServer]:
    """`make run`'s provider (local settings, SQLite, seed_demo) with nothing of the developer's touched."""
    folder = tmp_path_factory.mktemp("docs_server")
    credentials_file = folder / "demo-credentials.json"
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(folder),
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DATABASE_URL": f"sqlite:///{folder / 'db.sqlite3'}",
    }

    def manage(*args: str) -> None:
        result = subprocess.run(  # noqa: S603 - our own manage.py with fixed arguments
            [sys.executable, "manage.py", *args],
            cwd=settings.BASE_DIR,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert result.returncode == 0, result.stderr

    manage("migrate", "--noinput")
    manage("createcachetable")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    manage("seed_demo", "--provider-url", url, "--credentials-file", str(credentials_file))
    log_path = folder / "server.log"
    # As `make run` starts it: the device page on the provider's own origin.
    server_env = {**env, "OAUTH_DEVICE_VERIFICATION_URI": f"{url}/o/device/"}
    server, url = gunicorn_start(database_url=env["DATABASE_URL"], log_path=log_path, env=server_env, port=port)
    try:
        wait_until_serving(server, url, log_path)
        yield DocsServer(url=url, env=env, credentials_file=credentials_file)
    finally:
        gunicorn_stop(server)
