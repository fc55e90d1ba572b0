"""Make the database fail for the requests of one test, the way a dropped connection does."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager

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
