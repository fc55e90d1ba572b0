"""requirements.txt pins exactly what production uses; tests, tools and the demo clients live in requirements/."""

import ast
import importlib.metadata
import re
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.utils.module_loading import import_string

from config.settings import base

PRODUCTION_REQUIREMENTS = settings.BASE_DIR / "requirements.txt"
OTHER_REQUIREMENTS = [settings.BASE_DIR / "requirements" / "dev.txt", settings.BASE_DIR / "requirements" / "demo.txt"]
# The code a production deployment runs; demo/, bench/ and tests/ are not deployed.
PRODUCTION_APPS = (
    "idp",
    "provider",
    "accounts",
    "clients",
    "consent",
    "tokens",
    "token_cache",
    "audit",
    "api",
    "config",
    "resource_verifier",
    "observability",
)
# Settings modules in config/ that production never loads: they may one day import what only tests need.
NOT_PRODUCTION = {Path("config/settings/test.py"), Path("config/settings/bench.py")}
# Imported by Django or started by the operator rather than by an import statement in our code.
RUNTIME_MODULES = {
    "psycopg": "production's database engine, django.db.backends.postgresql (production.py requires PostgreSQL)",
    "redis": "the client Django's Redis cache backend imports when REDIS_URL is set",
    "granian": "the app server production runs (docs/deployment.md)",
}
# An exact pin with its reason: "name[extras]==version  # why".
PIN = re.compile(r"^(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)(\[[a-z0-9,_-]+\])?==[0-9][^\s#]*\s+#\s+\S")


def canonical(name: str) -> str:
    """A distribution name as pip compares them (PEP 503)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def pins(path: Path) -> set[str]:
    """The distributions ``path`` pins itself (not those of the files it includes with -r)."""
    lines = (line.strip() for line in path.read_text().splitlines())
    return {
        canonical(re.split(r"[\[=]", line, maxsplit=1)[0])
        for line in lines
        if line and not line.startswith(("#", "-r "))
    }


def third_party_imports() -> dict[str, set[Path]]:
    """Top-level modules the production apps import that are neither the standard library nor ours."""
    found: dict[str, set[Path]] = {}
    for app in PRODUCTION_APPS:
        for path in (settings.BASE_DIR / app).rglob("*.py"):
            relative = path.relative_to(settings.BASE_DIR)
            if relative in NOT_PRODUCTION:
                continue
            for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
                if isinstance(node, ast.Import):
                    modules = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    modules = [node.module]
                else:
                    continue
                for module in modules:
                    top = module.partition(".")[0]
                    if top not in sys.stdlib_module_names and top not in PRODUCTION_APPS:
                        found.setdefault(top, set()).add(relative)
    return found


def dotted_path_modules() -> set[str]:
    """Top-level modules the shared settings name by dotted path (apps, middleware, backends, hashers' libraries)."""
    paths = [
        *base.INSTALLED_APPS,
        *base.MIDDLEWARE,
        *base.AUTHENTICATION_BACKENDS,
        *base.PASSWORD_HASHERS,
        *(storage["BACKEND"] for storage in base.STORAGES.values()),
        *(cache["BACKEND"] for cache in base.CACHES.values()),
        *(engine["BACKEND"] for engine in base.TEMPLATES),
        *base.REST_FRAMEWORK["DEFAULT_AUTHENTICATION_CLASSES"],
    ]
    # A hasher imports its library only when it first hashes (Argon2: argon2-cffi).
    libraries = [getattr(import_string(hasher), "library", None) for hasher in base.PASSWORD_HASHERS]
    libraries = [library[1] if isinstance(library, tuple) else library for library in libraries if library]
    return {path.partition(".")[0] for path in [*paths, *libraries]} - set(PRODUCTION_APPS)


def distributions(modules: set[str]) -> dict[str, set[str]]:
    """Each module's installed distributions, canonical names; a module nothing provides maps to an empty set."""
    provided_by = importlib.metadata.packages_distributions()
    return {module: {canonical(name) for name in provided_by.get(module, [])} for module in modules}


@pytest.mark.parametrize("path", [PRODUCTION_REQUIREMENTS, *OTHER_REQUIREMENTS], ids=lambda path: path.name)
def test_every_requirement_is_an_exact_pin_with_a_reason(path):
    lines = [line.strip() for line in path.read_text().splitlines()]

    loose = [line for line in lines if line and not line.startswith(("#", "-r ")) and not PIN.match(line)]

    assert not loose, f"{path.name}: pin exactly (name==version) and say why after '# ': {loose}"


def test_every_third_party_import_of_the_production_apps_is_pinned_in_requirements_txt():
    production = pins(PRODUCTION_REQUIREMENTS)
    imports = third_party_imports()

    missing = {
        module: sorted(str(path) for path in imports[module])
        for module, names in distributions(set(imports)).items()
        if not names & production
    }

    assert not missing, f"imported by production code but not in requirements.txt: {missing}"


def test_every_module_the_shared_settings_load_is_pinned_in_requirements_txt():
    production = pins(PRODUCTION_REQUIREMENTS)

    missing = [module for module, names in distributions(dotted_path_modules()).items() if not names & production]

    assert not missing, f"named in config/settings/base.py but not in requirements.txt: {missing}"


def test_requirements_txt_pins_nothing_production_does_not_use():
    used = set().union(
        *distributions(set(third_party_imports()) | dotted_path_modules() | set(RUNTIME_MODULES)).values()
    )

    unused = pins(PRODUCTION_REQUIREMENTS) - used

    assert not unused, f"in requirements.txt but no production code, setting or server uses it: {sorted(unused)}"


def test_test_tool_and_demo_packages_are_pinned_outside_requirements_txt():
    production = pins(PRODUCTION_REQUIREMENTS)

    for path in OTHER_REQUIREMENTS:
        assert not pins(path) & production, f"{path.name} repeats production pins: {sorted(pins(path) & production)}"
    assert {"gunicorn", "pytest", "playwright", "ruff", "requests", "authlib"}.isdisjoint(production)
