"""docs/settings.md, .env.example and config/settings/ name the same environment variables."""

import re

from django.conf import settings

SETTINGS_DIR = settings.BASE_DIR / "config" / "settings"
# env("NAME", ...), env.int("NAME", ...), and production's required.text("NAME", ...) and friends.
READ = re.compile(r"\b(?:env|required)(?:\.\w+)?\(\s*\"([A-Z][A-Z0-9_]*)\"")
DOCUMENTED = re.compile(r"`([A-Z][A-Z0-9_]+)`")


def read_by_settings() -> set[str]:
    return {name for module in SETTINGS_DIR.glob("*.py") for name in READ.findall(module.read_text())}


def in_env_example() -> set[str]:
    lines = (settings.BASE_DIR / ".env.example").read_text().splitlines()
    return {line.split("=", 1)[0].strip() for line in lines if "=" in line and not line.lstrip().startswith("#")}


def in_settings_reference() -> set[str]:
    return set(DOCUMENTED.findall((settings.BASE_DIR / "docs" / "settings.md").read_text()))


def test_the_settings_read_some_variables():
    assert {"DJANGO_SECRET_KEY", "DATABASE_URL", "PROVIDER_URL"} <= read_by_settings()


def test_every_variable_the_settings_read_is_in_env_example():
    assert read_by_settings() - in_env_example() == set()


def test_every_variable_the_settings_read_is_in_the_settings_reference():
    assert read_by_settings() - in_settings_reference() == set()


def test_every_variable_in_env_example_is_in_the_settings_reference():
    assert in_env_example() - in_settings_reference() == set()


def test_env_example_lists_no_variable_the_settings_do_not_read():
    # DJANGO_SETTINGS_MODULE is read by manage.py and the app server, not by a settings module.
    assert in_env_example() - read_by_settings() == {"DJANGO_SETTINGS_MODULE"}
