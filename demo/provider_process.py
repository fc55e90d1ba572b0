"""Find the provider, or start one in the background for the length of the demo (SQLite + demo data)."""

import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import requests

REPO_DIR = Path(__file__).resolve().parent.parent
LOOPBACK_HOSTS = {"127.0.0.1", "localhost"}
START_TIMEOUT_SECONDS = 60


class ProviderUnavailable(Exception):
    """The provider does not answer and the demo cannot (or could not) start one."""


def provider_answers(provider_url: str) -> bool:
    """True when the provider's discovery document answers 200."""
    try:
        response = requests.get(f"{provider_url}/.well-known/openid-configuration", timeout=3)
    except requests.RequestException:
        return False
    return response.status_code == 200


@contextmanager
def running_provider(provider_url: str, *, say: Callable[[str], None]) -> Iterator[bool]:
    """Use the provider at ``provider_url``; if nothing answers there, start one and stop it afterwards.

    Yields True when this process started the provider.
    """
    if provider_answers(provider_url):
        say(f"Provider already running at {provider_url}: using it.")
        yield False
        return
    parts = urlsplit(provider_url)
    if parts.hostname not in LOOPBACK_HOSTS or not parts.port:
        raise ProviderUnavailable(f"Nothing answers at {provider_url}, and the demo only starts a local provider.")
    say(f"Nothing answers at {provider_url}: starting a provider in the background (SQLite, demo data).")
    for command in (["migrate", "--noinput"], ["createcachetable"], ["seed_demo", "--provider-url", provider_url]):
        say(f"  $ python manage.py {' '.join(command)}")
        _manage(command)
    with tempfile.NamedTemporaryFile("w+", prefix="demo-provider-", suffix=".log", delete=False) as log:
        say(f"  $ python manage.py runserver {parts.hostname}:{parts.port} --noreload   (log: {log.name})")
        # Like `make run`: the device flow must send people to this provider's own /o/device/ page.
        env = {**os.environ, "OAUTH_DEVICE_VERIFICATION_URI": f"{provider_url}/o/device/"}
        process = subprocess.Popen(  # noqa: S603 - our own interpreter and manage.py, fixed arguments
            [sys.executable, "manage.py", "runserver", f"{parts.hostname}:{parts.port}", "--noreload"],
            cwd=REPO_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            _wait_for(provider_url, process, Path(log.name))
            say(f"  Provider is up at {provider_url} (pid {process.pid}).")
            yield True
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
            say(f"Stopped the provider this demo started (pid {process.pid}).")


def _manage(arguments: list[str]) -> None:
    result = subprocess.run(  # noqa: S603 - our own interpreter and manage.py, fixed arguments
        [sys.executable, "manage.py", *arguments], cwd=REPO_DIR, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        output = (result.stdout + result.stderr).strip().splitlines()[-15:]
        raise ProviderUnavailable(f"manage.py {arguments[0]} failed:\n" + "\n".join(output))


def _wait_for(provider_url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            tail = "\n".join(log.read_text().splitlines()[-15:])
            raise ProviderUnavailable(f"The provider exited at start-up (exit code {process.returncode}):\n{tail}")
        if provider_answers(provider_url):
            return
        time.sleep(0.3)
    process.terminate()
    raise ProviderUnavailable(f"The provider did not answer at {provider_url} within {START_TIMEOUT_SECONDS} s.")
