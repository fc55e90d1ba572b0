"""Reads docs/conformance.md: the test each row of a section names in its last column."""

import re
from pathlib import Path

MATRIX = Path(__file__).resolve().parents[2] / "docs" / "conformance.md"
TEST_NAME = re.compile(r"`(test_\w+)`")


def matrix_test_names(section: str) -> set[str]:
    """The test names in the last column of the rows of ``## <section>``."""
    text = MATRIX.read_text()
    body = text.split(f"\n## {section}\n", 1)[1].split("\n## ", 1)[0]
    names = set()
    for line in body.splitlines():
        if line.startswith("|") and not set(line) <= set("|-: "):
            cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
            names.update(TEST_NAME.findall(cells[-1]))
    return names
