"""The token cache keeps values and builds instances through public API: no Django or CPython internals."""

from pathlib import Path

import pytest

import token_cache

# Model state and relation caches (``_state``, ``fields_cache``, ``ModelState``), instances made around
# Model.__init__ (``__new__``), CPython's private hash module (``_sha256``): each an upgrade away from breaking.
FORBIDDEN = ["_state", "fields_cache", "ModelState", "__new__", "_sha256"]
APP = Path(token_cache.__file__).parent
SOURCES = sorted(APP.rglob("*.py"))


def test_there_are_sources_to_read():
    assert any(path.name == "cache.py" for path in SOURCES)


@pytest.mark.parametrize("path", SOURCES, ids=lambda path: str(path.relative_to(APP)))
def test_no_module_of_the_token_cache_reaches_into_internals(path):
    source = path.read_text()

    assert [word for word in FORBIDDEN if word in source] == []
