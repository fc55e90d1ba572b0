"""Make the database fail for the requests of one test, the way a dropped connection or a timed-out wait does."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager

import psycopg.errors
from django.db import OperationalError, connection

OUTAGE = "connection to server at 127.0.0.1, port 5432 failed: Connection refused"
# What SQLite raises once its busy timeout has run out while another connection holds the write lock.
LOCKED = "database is locked"


@contextmanager
def database_down(*, when: Callable[[str], bool] = lambda sql: True, message: str = OUTAGE) -> Iterator[None]:
    """Every query (or those ``when`` picks by their SQL) raises OperationalError, as psycopg does on an outage.

    ``message`` says why: an unreachable server by default, or LOCKED for lock contention.
    """

    def fail(execute, sql, params, many, context):
        if when(sql):
            raise OperationalError(message)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(fail):
        yield


@contextmanager
def database_wait_times_out(*, when: Callable[[str], bool] = lambda sql: True) -> Iterator[None]:
    """Queries (or those ``when`` picks) fail as PostgreSQL cancels a wait past lock_timeout, as Django raises it."""

    def fail(execute, sql, params, many, context):
        if when(sql):
            cause = psycopg.errors.LockNotAvailable("canceling statement due to lock timeout")
            raise OperationalError(str(cause)) from cause
        return execute(sql, params, many, context)

    with connection.execute_wrapper(fail):
        yield
