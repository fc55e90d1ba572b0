"""The documentation site builds with every check strict: no broken link or anchor, no page left out."""

import subprocess
import sys

import yaml
from django.conf import settings

from tests.docs.conftest import DOCS_DIR
from tests.docs.console import pages


class _ConfigLoader(yaml.SafeLoader):
    """mkdocs.yml as data: a `!!python/name:` tag (as pymdownx options use) is read as nothing, not imported."""


_ConfigLoader.add_multi_constructor("tag:yaml.org,2002:python/", lambda loader, suffix, node: None)


def nav_pages(nav: list) -> set[str]:
    found: set[str] = set()
    for entry in nav:
        for value in entry.values() if isinstance(entry, dict) else [entry]:
            found |= nav_pages(value) if isinstance(value, list) else {value}
    return found


def test_mkdocs_build_strict_succeeds(tmp_path):
    result = subprocess.run(  # noqa: S603 - our own interpreter running mkdocs on the repository
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path / "site")],
        cwd=settings.BASE_DIR,
        env={"PATH": "/usr/bin:/bin", "NO_MKDOCS_2_WARNING": "1"},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert (tmp_path / "site" / "index.html").exists()


def test_every_page_under_docs_is_in_the_navigation():
    config = yaml.load((settings.BASE_DIR / "mkdocs.yml").read_text(), Loader=_ConfigLoader)  # noqa: S506 - safe subclass
    listed = nav_pages(config["nav"])

    on_disk = {str(page.relative_to(DOCS_DIR)) for page in pages(DOCS_DIR)}

    assert on_disk - listed == set(), "add these pages to mkdocs.yml's nav"
    assert listed - on_disk == set(), "mkdocs.yml's nav names pages that do not exist"
