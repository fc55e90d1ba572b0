"""After migrate, every table a cached answer depends on has the triggers that write the feed."""

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db

WATCHED_TABLES = {"oauth2_provider_accesstoken", "accounts_user", "clients_application"}


def trigger_names() -> dict[str, set[str]]:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT tgrelid::regclass::text, tgname FROM pg_trigger WHERE tgname LIKE 'token_cache_%'")
        else:
            cursor.execute(
                "SELECT tbl_name, name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'token_cache_%'"
            )
        names: dict[str, set[str]] = {}
        for table, name in cursor.fetchall():
            names.setdefault(table.strip('"'), set()).add(name)
        return names


def test_each_watched_table_has_an_update_and_a_delete_trigger():
    names = trigger_names()

    assert set(names) == WATCHED_TABLES
    for table in WATCHED_TABLES:
        assert {name.rsplit("_", 1)[1] for name in names[table]} == {"update", "delete"}
