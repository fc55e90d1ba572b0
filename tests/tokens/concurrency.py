"""Run requests at the same moment from several threads, each with its own database connection."""

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, connections

# Row locks and truly concurrent connections are what these tests are about; SQLite has neither.
requires_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs PostgreSQL: real row locks and concurrent connections"
)


def run_at_once(count: int, action: Callable[[int], Any], *, timeout: float = 60) -> list[Any]:
    """Call ``action(i)`` for i in range(count), all released together; return results (or exceptions)."""
    barrier = threading.Barrier(count)
    results: list[Any] = [None] * count

    def worker(index: int) -> None:
        try:
            barrier.wait(timeout=timeout)
            results[index] = action(index)
        except BaseException as error:  # the test reports it; a thread must never die silently
            results[index] = error
        finally:
            # Each thread opened its own connection; leaving it open would block the test database's teardown.
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(index,), daemon=True) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    assert not any(thread.is_alive() for thread in threads), "a request hung (deadlock?)"
    return results


def statuses(responses: list[Any]) -> list[int]:
    """The HTTP status of each response, failing loudly on a thread that raised instead."""
    for response in responses:
        if isinstance(response, BaseException):
            raise response
    return sorted(response.status_code for response in responses)
