"""The README, the front page, links every page of the documentation site, so none is only findable by accident."""

import re

import yaml
from django.conf import settings


def nav_pages(entries) -> set[str]:
    """Every Markdown file named in mkdocs.yml's nav, however deeply nested."""
    pages = set()
    for entry in entries:
        for value in entry.values() if isinstance(entry, dict) else [entry]:
            pages |= nav_pages(value) if isinstance(value, list) else {value}
    return pages


def test_the_readme_links_every_page_in_the_site_navigation():
    config = yaml.safe_load((settings.BASE_DIR / "mkdocs.yml").read_text())
    readme = (settings.BASE_DIR / "README.md").read_text()
    linked = set(re.findall(r"\]\(docs/([\w./-]+\.md)\)", readme))

    missing = nav_pages(config["nav"]) - {"index.md"} - linked

    assert missing == set(), f"README.md does not link: {sorted(missing)}"
