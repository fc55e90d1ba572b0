"""A second app process for the shared-state tests: another interpreter, configured from the environment alone."""

import os
import subprocess
import sys


def worker_run(settings, script: str, **env: str) -> None:
    """Run ``script`` after ``django.setup()`` in a new interpreter, as a production worker would be configured.

    It shares Redis (REDIS_URL_FOR_TESTS) with this process and nothing else: its database is an empty
    in-memory SQLite, so what it changes reaches this process only through the cache.
    """
    worker_env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "REDIS_URL": settings.REDIS_URL_FOR_TESTS,
        "DATABASE_URL": "sqlite:///:memory:",
        **env,
    }
    worker = subprocess.run(  # noqa: S603 - our own interpreter running a fixed script
        [sys.executable, "-c", f"import django; django.setup(); {script}"],
        env=worker_env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=False,
    )
    assert worker.returncode == 0, worker.stderr
