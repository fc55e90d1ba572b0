"""The documentation and the README are written in US English (as Django writes it)."""

import re

import pytest
from django.conf import settings

from tests.docs.conftest import DOCS_DIR
from tests.docs.console import pages

# UK spellings that have crept in before, and their US forms. Words only: code and URLs rarely contain them.
UK_TO_US = {
    "authorise": "authorize",
    "authorisation": "authorization",
    "recognise": "recognize",
    "organisation": "organization",
    "behaviour": "behavior",
    "colour": "color",
    "favour": "favor",
    "licence": "license",
    "cancelled": "canceled",
    "initialise": "initialize",
    "serialise": "serialize",
    "normalise": "normalize",
    "analyse": "analyze",
    "optimise": "optimize",
    "minimise": "minimize",
    "catalogue": "catalog",
    "defence": "defense",
    "centre": "center",
}
UK_WORD = re.compile(r"\b(" + "|".join(UK_TO_US) + r")(s|d|ed|ing|r|rs)?\b", re.IGNORECASE)
DOCUMENTS = [settings.BASE_DIR / "README.md", *pages(DOCS_DIR)]


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda path: str(path.relative_to(settings.BASE_DIR)))
def test_the_document_uses_us_spelling(document):
    found = [
        f"line {number}: {match.group(0)!r} (US: {UK_TO_US[match.group(1).lower()]})"
        for number, line in enumerate(document.read_text().splitlines(), start=1)
        for match in UK_WORD.finditer(line)
    ]

    assert found == []
