"""Database triggers that write the invalidation feed for every change, whoever makes it.

Model signals miss ``QuerySet.update()`` and raw SQL (an admin deactivating users with a bulk update, a
script expiring tokens); a trigger sees every UPDATE and DELETE of an access token, a user or a client,
inside the transaction that makes it. The tables belong to other apps: only triggers are added to them.

SQLite drops a table's triggers whenever Django rebuilds the table to alter it, so they are (re)created
after every ``migrate`` (token_cache.apps), not only by this app's migration.
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
    """Create the triggers that are missing (idempotent); drop them if the feed table is gone."""
    existing = set(connection.introspection.table_names())
    tables = [t for t in _watched_tables(apps) if t[0] in existing]
    if EVENTS_TABLE not in existing:
        triggers_remove(apps=apps, connection=connection)
        return
    # Every identifier below comes from model metadata or constants, never from input (hence noqa: S608).
    with connection.cursor() as cursor:
        for table, pk, kind in tables:
            name = f"token_cache_{kind}"
            if connection.vendor == "postgresql":
                cursor.execute(
                    f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "  # noqa: S608
                    f"INSERT INTO {EVENTS_TABLE} (kind, ref, created) "
                    f"VALUES ('{kind}', OLD.\"{pk}\", statement_timestamp()); RETURN NULL; END $$"
                )
                # Updates that change nothing (a save() of an unchanged row) need not flush caches.
                cursor.execute(
                    f'CREATE OR REPLACE TRIGGER {name}_update AFTER UPDATE ON "{table}" FOR EACH ROW '
                    f"WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION {name}()"
                )
                cursor.execute(
                    f'CREATE OR REPLACE TRIGGER {name}_delete AFTER DELETE ON "{table}" '
                    f"FOR EACH ROW EXECUTE FUNCTION {name}()"
                )
            elif connection.vendor == "sqlite":
                for event in ("UPDATE", "DELETE"):
                    cursor.execute(
                        f'CREATE TRIGGER IF NOT EXISTS {name}_{event.lower()} AFTER {event} ON "{table}" '  # noqa: S608
                        f"FOR EACH ROW BEGIN INSERT INTO {EVENTS_TABLE} (kind, ref, created) "
                        f"VALUES ('{kind}', OLD.\"{pk}\", strftime('%Y-%m-%d %H:%M:%f', 'now')); END"
                    )
            else:
                raise NotImplementedError(f"token_cache has no invalidation triggers for {connection.vendor}")


def triggers_remove(*, apps, connection: BaseDatabaseWrapper) -> None:
    """Drop the triggers (before the feed table goes, so no write ever fails for want of it)."""
    existing = set(connection.introspection.table_names())
    with connection.cursor() as cursor:
        for table, _pk, kind in _watched_tables(apps):
            name = f"token_cache_{kind}"
            for event in ("update", "delete"):
                if connection.vendor == "postgresql":
                    if table in existing:
                        cursor.execute(f'DROP TRIGGER IF EXISTS {name}_{event} ON "{table}"')
                else:
                    cursor.execute(f"DROP TRIGGER IF EXISTS {name}_{event}")
            if connection.vendor == "postgresql":
                cursor.execute(f"DROP FUNCTION IF EXISTS {name}()")
