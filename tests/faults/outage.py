"""Make the database fail for the requests of one test, the way a dropped connection does."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.db import OperationalError, connection


@contextmanager
def database_down(*, when: Callable[[str], bool] = lambda sql: True) -> Iterator[None]:
    """Every query (or those ``when`` picks by their SQL) raises OperationalError, as psycopg does on an outage."""

    def fail(execute, sql, params, many, context):
        if when(sql):
            raise OperationalError("connection to server at 127.0.0.1, port 5432 failed: Connection refused")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(fail):
        yield
