"""The invalidation feed's triggers on SQLite, where pgtrigger installs nothing.

On PostgreSQL the triggers are declared with pgtrigger (token_cache.models) and installed by this app's
migrations. SQLite, the embedded default for development and quick tests, gets equivalent triggers from
here: AFTER UPDATE and AFTER DELETE on the access token, user and client tables, inserting (kind, ref,
created) into the feed. Unlike PostgreSQL's, they fire on every UPDATE, changed or not: SQLite has no
whole-row comparison, and a spare feed row only costs a cache reload.

SQLite drops a table's triggers whenever Django rebuilds the table to alter it, so they are (re)created
after every ``migrate`` (token_cache.apps), not only by this app's migration 0002.

Before pgtrigger, this module created raw-SQL triggers on PostgreSQL too; ``raw_triggers_drop`` removes
them from databases migrated back then (migration 0003, and 0002 reversed before 0003 was applied).
"""

from django.conf import settings
from django.db.backends.base.base import BaseDatabaseWrapper
from oauth2_provider.settings import oauth2_settings

EVENTS_TABLE = "token_cache_invalidationevent"
# (model, kind written to the feed: see token_cache.models.InvalidationEvent.Kind)
WATCHED = [
    (oauth2_settings.ACCESS_TOKEN_MODEL, "t"),
    (settings.AUTH_USER_MODEL, "u"),
    (oauth2_settings.APPLICATION_MODEL, "a"),
]


def _watched_tables(apps) -> list[tuple[str, str, str]]:
    tables = []
    for label, kind in WATCHED:
        model = apps.get_model(label)
        tables.append((model._meta.db_table, model._meta.pk.column, kind))
    return tables


def triggers_install(*, apps, connection: BaseDatabaseWrapper) -> None:
    """On SQLite, create the triggers that are missing (idempotent); drop them if the feed table is gone."""
    if connection.vendor == "postgresql":
        return  # pgtrigger's migration operations own them
    if connection.vendor != "sqlite":
        raise NotImplementedError(f"token_cache has no invalidation triggers for {connection.vendor}")
    existing = set(connection.introspection.table_names())
    if EVENTS_TABLE not in existing:
        triggers_remove(apps=apps, connection=connection)
        return
    tables = [t for t in _watched_tables(apps) if t[0] in existing]
    # Every identifier below comes from model metadata or constants, never from input (hence noqa: S608).
    with connection.cursor() as cursor:
        for table, pk, kind in tables:
            for event in ("UPDATE", "DELETE"):
                cursor.execute(
                    f'CREATE TRIGGER IF NOT EXISTS token_cache_{kind}_{event.lower()} AFTER {event} ON "{table}" '  # noqa: S608
                    f"FOR EACH ROW BEGIN INSERT INTO {EVENTS_TABLE} (kind, ref, created) "
                    f"VALUES ('{kind}', OLD.\"{pk}\", strftime('%Y-%m-%d %H:%M:%f', 'now')); END"
                )


def triggers_remove(*, apps, connection: BaseDatabaseWrapper) -> None:
    """Drop the triggers (before the feed table goes, so no write ever fails for want of it)."""
    if connection.vendor == "postgresql":
        # pgtrigger's are removed by reversing 0003; only raw ones from before it can be left here.
        raw_triggers_drop(apps=apps, connection=connection)
        return
    with connection.cursor() as cursor:
        for _table, _pk, kind in _watched_tables(apps):
            for event in ("update", "delete"):
                cursor.execute(f"DROP TRIGGER IF EXISTS token_cache_{kind}_{event}")


def raw_triggers_drop(*, apps, connection: BaseDatabaseWrapper) -> None:
    """On PostgreSQL, drop the raw-SQL triggers and functions that versions before pgtrigger created, if any."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for table, _pk, kind in _watched_tables(apps):
            cursor.execute(f'DROP TRIGGER IF EXISTS token_cache_{kind}_update ON "{table}"')
            cursor.execute(f'DROP TRIGGER IF EXISTS token_cache_{kind}_delete ON "{table}"')
            cursor.execute(f"DROP FUNCTION IF EXISTS token_cache_{kind}()")
