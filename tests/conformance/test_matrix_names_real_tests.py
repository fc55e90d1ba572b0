"""docs/conformance.md: every table row names at least one test, and every test it names exists."""

import ast
import re
from pathlib import Path

from django.conf import settings

MATRIX = Path(settings.BASE_DIR) / "docs" / "conformance.md"
TEST_NAME = re.compile(r"`(?:(tests/[\w/]+\.py)::)?(test_\w+)`")


def defined_tests() -> dict[str, set[str]]:
    """Every test function in tests/, by file path relative to the project."""
    found: dict[str, set[str]] = {}
    for path in (Path(settings.BASE_DIR) / "tests").rglob("test_*.py"):
        tree = ast.parse(path.read_text())
        names = {node.name for node in ast.walk(tree) if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)}
        found[str(path.relative_to(settings.BASE_DIR))] = {name for name in names if name.startswith("test_")}
    return found


def matrix_rows() -> list[str]:
    """The body rows of every table: a header is the line above a |---| separator."""
    lines = MATRIX.read_text().splitlines()
    rows = []
    for index, line in enumerate(lines):
        is_header = index + 1 < len(lines) and lines[index + 1].startswith("|--")
        if line.startswith("| ") and not is_header:
            rows.append(line)
    return rows


def test_every_row_of_the_matrix_names_a_test():
    assert matrix_rows()
    for row in matrix_rows():
        last_cell = row.rstrip(" |").rsplit("|", 1)[-1]
        assert TEST_NAME.search(last_cell), row


def test_every_test_the_matrix_names_exists():
    tests = defined_tests()
    everywhere = set().union(*tests.values())
    for path, name in TEST_NAME.findall(MATRIX.read_text()):
        if path:
            assert name in tests.get(path, set()), f"{path}::{name}"
        else:
            assert name in everywhere, name
