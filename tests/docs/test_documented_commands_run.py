"""Every shell command in docs/ runs against a live provider and prints what the page says it prints."""

import shutil
import subprocess
import sys

import pytest
from django.conf import settings

from tests.docs.conftest import DOCS_DIR, DocsServer
from tests.docs.console import commands, pages, shell_blocks

STEP_END = "\n@@ documented command done @@\n"
# What the pages write as `make run` has it, and what it is for the server under test.
DOCUMENTED_ORIGIN = "http://127.0.0.1:8000"
DOCUMENTED_CREDENTIALS = ".keys/demo-credentials.json"
DOCUMENTED_PYTHON = ".venv/bin/python"

PAGES_WITH_COMMANDS = [page for page in pages(DOCS_DIR) if commands(page.read_text())]


def for_server(text: str, server: DocsServer) -> str:
    return (
        text.replace(DOCUMENTED_ORIGIN, server.url)
        .replace(DOCUMENTED_CREDENTIALS, str(server.credentials_file))
        .replace(DOCUMENTED_PYTHON, sys.executable)
    )


def run_page(page_text: str, server: DocsServer, stderr_path) -> list[str]:
    """Run a page's commands in order in one shell (variables carry over) and return each one's stdout."""
    documented = commands(page_text)
    script = [f"exec 2>>{stderr_path}"]
    for command in documented:
        script += [for_server(command.command, server), f"printf '{STEP_END.encode('unicode_escape').decode()}'"]
    result = subprocess.run(  # noqa: S603 - the documentation's own commands, against a loopback server
        ["bash", "-c", "\n".join(script)],  # noqa: S607 - the reader's bash
        cwd=settings.BASE_DIR,
        env=server.env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    return result.stdout.split(STEP_END)[: len(documented)]


def test_every_shell_block_in_the_docs_is_run_or_marked_illustrative():
    unmarked = [
        f"{page.relative_to(DOCS_DIR)}:{block.line} ```{block.language}"
        for page in pages(DOCS_DIR)
        for block in shell_blocks(page.read_text())
        if block.language != "console" and not block.illustrative
    ]

    assert unmarked == [], "use ```console with `$ ` lines, or start the block with `# illustrative`"


@pytest.mark.skipif(shutil.which("curl") is None, reason="the documented commands use curl: apt-get install curl")
@pytest.mark.parametrize("page", PAGES_WITH_COMMANDS, ids=lambda page: str(page.relative_to(DOCS_DIR)))
def test_the_commands_of_the_page_print_what_it_says(page, docs_server, tmp_path):
    text = page.read_text()
    outputs = run_page(text, docs_server, tmp_path / "stderr.log")

    mismatches = []
    for command, output in zip(commands(text), outputs, strict=False):
        # Compared as the page shows it: the server under test's origin read back as `make run`'s.
        if not command.matches(output.replace(docs_server.url, DOCUMENTED_ORIGIN)):
            mismatches.append(
                f"{page.name}:{command.line}: $ {command.command}\n--- the page says:\n{command.expected}\n"
                f"--- it printed:\n{output}"
            )
    ran = len(outputs)
    stderr = (tmp_path / "stderr.log").read_text() if (tmp_path / "stderr.log").exists() else ""
    assert ran == len(commands(text)), f"only {ran} commands finished; stderr:\n{stderr}"
    assert mismatches == [], "\n\n".join(mismatches) + f"\n--- stderr:\n{stderr}"
