"""Plain `make` lists every documented target with its description, and runs nothing else."""

import re
import shutil
import subprocess

import pytest
from django.conf import settings

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")


def make(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 - make with fixed arguments, in the repository
        ["make", "--no-print-directory", *args],  # noqa: S607 - whichever make is on PATH, as a developer runs it
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_plain_make_lists_every_documented_target_with_its_description():
    documented = re.findall(r"^## ([a-z-]+): (.+)$", (settings.BASE_DIR / "Makefile").read_text(), re.MULTILINE)

    result = make()

    assert result.returncode == 0, result.stderr
    assert result.stdout == make("help").stdout
    for target, description in documented:
        assert re.search(rf"^  {target} +{re.escape(description)}$", result.stdout, re.MULTILINE), target
    assert {"run", "test", "help"} <= {target for target, _ in documented}
