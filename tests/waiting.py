"""Waiting for something another thread or process does: a bound for a failing test to end, not a measurement."""

import time
from collections.abc import Callable

WAIT_SECONDS = 10.0


def wait_for(condition: Callable[[], bool], timeout: float = WAIT_SECONDS) -> bool:
    """Whether ``condition`` came true within ``timeout`` seconds (checked every 10 ms)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True
