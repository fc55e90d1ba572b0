"""After migrate, every table a cached answer depends on has the triggers that write the feed, and only those;
on PostgreSQL the feed has the one that announces its new rows."""

import re

import pytest
from django.db import connection
from pgtrigger.core import INSTALLED

from token_cache.models import InvalidationEvent, WatchedAccessToken, WatchedApplication, WatchedUser

pytestmark = pytest.mark.django_db

postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="pgtrigger installs on PostgreSQL only")

WATCHED_TABLES = {"oauth2_provider_accesstoken", "accounts_user", "clients_application"}
# Names: pgtrigger_token_cache_update_<hash> on PostgreSQL (pgtrigger), token_cache_u_update on SQLite.
FEED_TRIGGER = re.compile(r"^(?:pgtrigger_token_cache|token_cache_[tua])_(update|delete)(?:_[0-9a-f]+)?$")


def feed_trigger_events() -> dict[str, set[str]]:
    """The events ("update", "delete") each table has a feed trigger for."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT tgrelid::regclass::text, tgname FROM pg_trigger "
                "WHERE tgname LIKE '%token_cache_%' AND tgname NOT LIKE '%token_cache_notify%'"
            )
        else:
            cursor.execute(
                "SELECT tbl_name, name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'token_cache_%'"
            )
        events: dict[str, set[str]] = {}
        for table, name in cursor.fetchall():
            match = FEED_TRIGGER.match(name)
            assert match, f"unexpected trigger {name} on {table}"
            events.setdefault(table.strip('"'), set()).add(match[1])
        return events


def test_each_watched_table_has_an_update_and_a_delete_trigger():
    events = feed_trigger_events()

    assert events == {table: {"update", "delete"} for table in WATCHED_TABLES}


@postgres_only
def test_on_postgresql_the_installed_triggers_are_exactly_the_declared_ones():
    for model in (WatchedAccessToken, WatchedUser, WatchedApplication, InvalidationEvent):
        for trigger in model._meta.triggers:
            assert trigger.get_installation_status(model) == (INSTALLED, True), trigger.get_pgid(model)


@postgres_only
def test_on_postgresql_nothing_is_left_of_the_raw_triggers_from_before_pgtrigger():
    with connection.cursor() as cursor:
        cursor.execute("SELECT tgname FROM pg_trigger WHERE tgname LIKE 'token\\_cache\\_%'")
        triggers = cursor.fetchall()
        cursor.execute("SELECT proname FROM pg_proc WHERE proname LIKE 'token\\_cache\\_%'")
        functions = cursor.fetchall()

    assert triggers == []
    assert functions == []
