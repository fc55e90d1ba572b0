"""A token cache of its own with a listener, for the tests of pushed invalidation (PostgreSQL only)."""

import pytest
from django.db import connection
from oauth2_provider.models import get_access_token_model

from tests.waiting import WAIT_SECONDS, wait_for  # noqa: F401 - the token cache tests import them from here
from token_cache.cache import TokenCache
from token_cache.listener import APPLICATION_NAME

on_postgresql = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="LISTEN/NOTIFY is PostgreSQL's; SQLite polls"),
    # The listener reads from its own connections: it must see committed rows.
    pytest.mark.django_db(transaction=True),
]


def cache_token(cache: TokenCache, token) -> None:
    """Put ``token`` in ``cache`` as a bearer validation would."""
    loaded = get_access_token_model().objects.select_related("user", "application").get(pk=token.pk)

    def remembered() -> bool:
        # A load that straddles a feed read is not kept (the listener may still be reading what creating
        # the token announced): try again, as the next request would.
        cache.remember_token(loaded, db="default", generation=cache.generation())
        return token.token_checksum in cache.tokens

    assert wait_for(remembered)


def listener_backends() -> list[int]:
    """Process ids of the PostgreSQL backends serving a listener on the test database."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE application_name = %s AND datname = current_database()",
            [APPLICATION_NAME],
        )
        return [pid for (pid,) in cursor.fetchall()]


def listener_backends_terminate(only: int | None = None) -> int:
    """Terminate listeners' backends on the test database (or only the one ``only``), as a restart would; how many.

    Another test's live server may hold a listener of its own on the same database, hence ``only``.
    """
    pids = [pid for pid in listener_backends() if only is None or pid == only]
    with connection.cursor() as cursor:
        for pid in pids:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    return len(pids)
