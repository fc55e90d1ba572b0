"""Fixtures shared by the whole suite."""

import os
import subprocess
import sys
from collections.abc import Callable, Iterator

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client, override_settings

from tests.factories import (
    ApplicationFactory,
    MachineApplicationFactory,
    PublicApplicationFactory,
    ResourceServerApplicationFactory,
    UserFactory,
)
from tests.faults.proxied_server import database_proxy, proxied_app_server  # noqa: F401 - fixtures

# The app server behind a cuttable database proxy, shared by the outage and health tests.
from tests.flows import FormClient
from tests.mail_server import Inbox, running_smtp_server
from token_cache.cache import access_tokens


def pytest_sessionstart(session) -> None:
    """In CI the Redis tests must run: their skip on a developer's machine would otherwise hide them there too.

    A hook rather than a fixture: skip marks are decided before any fixture runs.
    """
    if settings.REDIS_REQUIRED and not settings.REDIS_URL_FOR_TESTS:
        pytest.exit("CI requires REDIS_URL_FOR_TESTS (.ci/run sets it): the shared-cache tests would be skipped.", 3)


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    """Every test starts with an empty cache, so throttle counters never leak from one test into another."""
    cache.clear()


@pytest.fixture(autouse=True)
def _empty_token_cache() -> None:
    """Every test starts with an empty bearer-token cache: rolled-back rows must not be remembered."""
    access_tokens.reset()


@pytest.fixture
def user(db):
    """A plain active user."""
    return UserFactory(username="alice")


@pytest.fixture
def other_user(db):
    """A second user whose data must never leak to the first."""
    return UserFactory(username="bob", first_name="Bob")


@pytest.fixture
def web_app(db):
    """A confidential web client (code + refresh)."""
    return ApplicationFactory()


@pytest.fixture
def public_app(db):
    """A public PKCE client."""
    return PublicApplicationFactory()


@pytest.fixture
def machine_app(db):
    """A client-credentials client."""
    return MachineApplicationFactory()


@pytest.fixture
def resource_server(db):
    """A confidential client allowed to introspect tokens (the API server in a split deployment)."""
    return ResourceServerApplicationFactory()


@pytest.fixture
def client() -> Client:
    """pytest-django's ``client``, posting forms the way OAuth clients do (tests.flows.FormClient)."""
    return FormClient()


@pytest.fixture
def browser(user) -> Client:
    """A Django test client with ``user`` signed in, standing in for the user's browser."""
    http = FormClient()
    http.force_login(user)
    return http


@pytest.fixture
def smtp_server() -> Iterator[Inbox]:
    """A real SMTP server on 127.0.0.1 that the provider's mail goes to (over SMTP, not locmem) in this test.

    Stops by itself when the test ends. Live servers started in this process (tests/browser) send there too.
    """
    with (
        running_smtp_server() as (inbox, port),
        override_settings(
            EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=port,
            EMAIL_HOST_USER="",
            EMAIL_HOST_PASSWORD="",
            EMAIL_USE_TLS=False,
            EMAIL_USE_SSL=False,
        ),
    ):
        yield inbox


@pytest.fixture(scope="session")
def manage_py(tmp_path_factory) -> Callable[..., subprocess.CompletedProcess]:
    """Run ``manage.py`` in a fresh interpreter, as an operator would, to see its real output and exit status.

    The test database lives in this process (SQLite in memory, or a transaction on PostgreSQL), so the
    subprocess gets its own SQLite file, migrated once per session.
    """
    database = tmp_path_factory.mktemp("manage_py") / "db.sqlite3"
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": f"sqlite:///{database}",
    }

    def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
        return subprocess.run(  # noqa: S603 - our own manage.py with the test's arguments
            [sys.executable, "manage.py", *args],
            cwd=settings.BASE_DIR,
            env=env,
            input=stdin,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    migrated = run("migrate", "--noinput")
    assert migrated.returncode == 0, migrated.stderr
    return run
