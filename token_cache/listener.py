"""Revocation pushed, not polled: a thread per process LISTENs on PostgreSQL and reads the feed the moment it grows.

The feed's table has a statement trigger that sends ``NOTIFY token_cache`` (token_cache.models); PostgreSQL
delivers it to every listening connection when the transaction that wrote the rows commits, which is
exactly when the rows become visible. On each notification the listener tells the cache that the feed
moved (``TokenCache.feed_moved``) and reads it at once in its own thread, so the next request finds the
cache already clean; a request that starts before that read finishes waits for it, never for a poll.

Polling stays, as the fallback. While the listener is connected and has proven it within
``ALIVE_SECONDS`` (a notification, or a ``SELECT 1`` once a second when there is none), the cache reads
the feed only every ``TOKEN_CACHE_LISTEN_POLL_SECONDS``, a safety net; the moment the connection fails
(the database restarted, the backend was terminated, the network went) it stops vouching, so each process
polls every ``TOKEN_CACHE_POLL_SECONDS`` again, and it reconnects with a growing pause. After it has
reconnected it reads the feed once, for what was committed while nobody listened.

The listener opens its own connection, in autocommit, named ``token_cache_listener`` in
``pg_stat_activity``: with the app's connection parameters, or ``TOKEN_CACHE_LISTEN_DATABASE_URL`` when
the app goes through PgBouncer in transaction mode (a pooled server connection is handed to another client
after each transaction, so LISTEN cannot work through it). The feed itself is read through Django's
connection of the listener's thread, like a request's.
"""

import logging
import threading
from typing import TYPE_CHECKING

import psycopg
from django.db import close_old_connections, connections, router

from idp.settings import idp_settings
from token_cache.models import CHANNEL, InvalidationEvent

if TYPE_CHECKING:
    from token_cache.cache import TokenCache

log = logging.getLogger(__name__)

APPLICATION_NAME = "token_cache_listener"
# With no notification for this long, the listener proves its connection with a round trip.
HEARTBEAT_SECONDS = 1.0
# How long one proof is trusted: past it, a silently dead connection stops slowing the poll.
ALIVE_SECONDS = 3 * HEARTBEAT_SECONDS
# Pauses between connection attempts: from the first to the last, doubling.
RECONNECT_FIRST_SECONDS = 0.1
RECONNECT_LAST_SECONDS = 5.0


def listener_connect() -> psycopg.Connection:
    """A new autocommit connection to the feed's database, for LISTEN."""
    url = idp_settings.TOKEN_CACHE_LISTEN_DATABASE_URL
    if url:
        return psycopg.connect(url, autocommit=True, application_name=APPLICATION_NAME)
    params = connections[router.db_for_read(InvalidationEvent)].get_connection_params()
    return psycopg.connect(**{**params, "application_name": APPLICATION_NAME}, autocommit=True)


class FeedListener:
    """The thread that LISTENs for new feed rows on behalf of one process's ``TokenCache``."""

    def __init__(self, cache: "TokenCache") -> None:
        self.cache = cache
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name=APPLICATION_NAME, daemon=True)
        self.connected = threading.Event()  # set while LISTEN is in force (tests wait on it)
        self.connections_made = 0
        self.backend_pid: int | None = None  # the PostgreSQL backend serving LISTEN now (operators and tests)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        """Ask the thread to end (within a heartbeat) and wait for it."""
        self._stopping.set()
        self._thread.join(timeout=5 * HEARTBEAT_SECONDS)

    def _run(self) -> None:
        try:
            self._listen_until_stopped()
        finally:
            connections.close_all()  # this thread's Django connections (the feed reads)

    def _listen_until_stopped(self) -> None:
        pause = RECONNECT_FIRST_SECONDS
        while not self._stopping.is_set():
            try:
                with listener_connect() as connection:
                    connection.execute(f"LISTEN {CHANNEL}")
                    self.backend_pid = connection.info.backend_pid
                    self.connections_made += 1
                    pause = RECONNECT_FIRST_SECONDS
                    self._listen(connection)
            except psycopg.Error:
                log.warning("Token cache listener lost its connection; polling until it is back.", exc_info=True)
            except Exception:
                # Whatever went wrong, the process must keep a listener: the cache polls meanwhile.
                log.exception("Token cache listener failed; polling until it is back.")
            finally:
                self.connected.clear()
                self.cache.push_lost()
            self._stopping.wait(pause)
            pause = min(2 * pause, RECONNECT_LAST_SECONDS)

    def _listen(self, connection: psycopg.Connection) -> None:
        # LISTEN is in force: whatever commits from now on is announced, and what committed before is in
        # the feed, read now.
        self.cache.push_alive(ALIVE_SECONDS)
        self.connected.set()
        self._read()
        while not self._stopping.is_set():
            notified = False
            for _notification in connection.notifies(timeout=HEARTBEAT_SECONDS, stop_after=1):
                notified = True
            if not notified:
                connection.execute("SELECT 1")  # proof of life; raises if the connection is gone
            self.cache.push_alive(ALIVE_SECONDS)
            if notified:
                self._read()

    def _read(self) -> None:
        self.cache.feed_moved()
        # This thread's own Django connection, outside any request: replace it if it broke or aged.
        close_old_connections()
        self.cache.sync()
