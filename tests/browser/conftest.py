"""Fixtures for real-browser tests: a live provider, the demo web client on its own origin, headless Chromium.

Layout, as in ``make run``: the provider listens on 127.0.0.1 and the web client on localhost, two different
hosts, so the browser never mixes their cookies. Every test gets fresh users and clients (the live provider
needs committed rows, so these tests use pytest-django's transactional database).

Reuse from another browser test::

    pytestmark = pytest.mark.browser

    def test_something(page, provider_url, alice, web_client_app, webclient_url):
        page.goto(webclient_url)
        ...
"""

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests
from django.conf import settings
from playwright.sync_api import Browser, Page, sync_playwright
from pytest_django.live_server_helper import LiveServer

from accounts.models import User
from clients.models import Application, GrantType
from demo.management.commands.seed_demo import ALL_USER_SCOPES
from tests.factories import CLIENT_SECRET, ApplicationFactory, DeviceApplicationFactory, UserFactory
from tests.live_servers import free_port

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
REPO_DIR = Path(__file__).resolve().parent.parent.parent
# Failure screenshots land here (git-ignored) so a red CI run can be understood.
FAILURE_SCREENSHOTS = REPO_DIR / "docs" / "screenshots" / "tmp"
# Seconds Playwright waits for an element or a navigation before failing a step.
STEP_TIMEOUT_MS = 10_000


# THE PROVIDER
# ------------------------------------------------------------------------------
@pytest.fixture(scope="session")
def live_server() -> Iterator[LiveServer]:
    """pytest-django's live server, on 127.0.0.1 (never "localhost": that host belongs to the web client)."""
    server = LiveServer("127.0.0.1:0")
    yield server
    server.stop()


@pytest.fixture
def provider_url(live_server: LiveServer) -> str:
    """Origin of the live provider (issuer, discovery and every endpoint hang off it)."""
    return live_server.url


@pytest.fixture
def alice(db) -> User:
    """The demo user who signs in; password ``tests.browser.pages.USER_PASSWORD``."""
    return UserFactory(username="alice", first_name="Alice", last_name="Liddell", email="alice@example.test")


@pytest.fixture
def bob(db) -> User:
    """A second user, for tests where the wrong person must not get in."""
    return UserFactory(username="bob", first_name="Bob", last_name="Builder", email="bob@example.test")


@pytest.fixture
def web_client_app(db, webclient_url: str) -> Application:
    """The demo web client's registration at the provider, as ``seed_demo`` makes it (secret CLIENT_SECRET)."""
    return ApplicationFactory(
        client_id="demo-web",
        name="Demo web client",
        grant_types=[GrantType.AUTHORIZATION_CODE, GrantType.REFRESH_TOKEN],
        allowed_scopes=ALL_USER_SCOPES,
        redirect_uris=f"{webclient_url}/callback",
        post_logout_redirect_uris=f"{webclient_url}/",
    )


@pytest.fixture
def device_app(db) -> Application:
    """The demo TV app (device authorization grant), as ``seed_demo`` makes it."""
    return DeviceApplicationFactory(
        client_id="demo-device", name="Demo TV app (device flow)", allowed_scopes=["openid", "profile", "notes:read"]
    )


# THE DEMO WEB CLIENT (a separate Django project, in its own process)
# ------------------------------------------------------------------------------
@pytest.fixture(scope="session")
def webclient_url(live_server: LiveServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Run ``python -m demo.webclient`` on localhost:<free port>, registered as demo-web at the live provider."""
    with running_webclient(live_server.url, tmp_path_factory) as url:
        yield url


@pytest.fixture(scope="session")
def webclient_without_provider_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A second web client whose provider is not running (nothing listens on its port)."""
    with running_webclient(f"http://127.0.0.1:{free_port()}", tmp_path_factory) as url:
        yield url


@contextmanager
def running_webclient(provider_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Start the demo web client as its own process, pointed at ``provider_url``; yield its URL."""
    port = free_port()
    url = f"http://localhost:{port}"
    # The child is another application: it gets its configuration the way it would in real life, from its
    # environment (a copy of ours plus its own settings), and never sees the provider's settings module.
    env = {
        **os.environ,
        "WEBCLIENT_PROVIDER_URL": provider_url,
        "WEBCLIENT_URL": url,
        "WEBCLIENT_CLIENT_ID": "demo-web",
        "WEBCLIENT_CLIENT_SECRET": CLIENT_SECRET,
        "WEBCLIENT_SECRET_KEY": "browser-test-webclient-key-" + "x" * 30,
        "WEBCLIENT_SESSION_DIR": str(tmp_path_factory.mktemp("webclient-sessions")),
        "WEBCLIENT_PROVIDER_TIMEOUT": "3",
        "WEBCLIENT_LOG_LEVEL": "ERROR",
    }
    log_path = tmp_path_factory.mktemp("webclient-log") / "webclient.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(  # noqa: S603 - our own interpreter and module, fixed arguments
            [sys.executable, "-m", "demo.webclient", "runserver", f"localhost:{port}", "--noreload", "--skip-checks"],
            cwd=REPO_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            _wait_until_serving(url, process, log_path)
            yield url
        finally:
            process.terminate()
            process.wait(timeout=10)


def _wait_until_serving(url: str, process: subprocess.Popen, log_path: Path, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"The demo web client exited at start-up:\n{log_path.read_text()}")
        try:
            if requests.get(f"{url}/", timeout=5).status_code == 200:
                return
        except requests.RequestException:
            pass  # not listening yet, or still importing: try again
        time.sleep(0.1)
    pytest.fail(f"The demo web client did not answer on {url} within {timeout:.0f} s:\n{log_path.read_text()}")


# THE BROWSER
# ------------------------------------------------------------------------------
@pytest.fixture(scope="session")
def chromium() -> Iterator[Browser]:
    """Debian's headless Chromium driven by Playwright (never a downloaded browser); skipped if not installed."""
    if not CHROMIUM.exists():
        missing = f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)"
        if settings.BROWSER_REQUIRED:
            pytest.fail(f"{missing}: CI runs the browser tests, so this is a failure, not a skip.")
        pytest.skip(f"{missing} — browser tests skipped.")
    # Playwright's sync API runs an asyncio loop in this thread; Django would then refuse the test's own
    # (synchronous) database calls, such as factories and the transactional flush, as "async-unsafe".
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
            yield browser
            browser.close()


@pytest.fixture
def page(chromium: Browser, request: pytest.FixtureRequest) -> Iterator[Page]:
    """A fresh browser context (no cookies) and page; on failure its screenshot goes to docs/screenshots/tmp/."""
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(STEP_TIMEOUT_MS)
    page = context.new_page()
    yield page
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        FAILURE_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=FAILURE_SCREENSHOTS / f"{request.node.name}.png", full_page=True)
    context.close()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test item, so the ``page`` fixture knows whether the test failed."""
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report
