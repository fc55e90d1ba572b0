"""Brute-force blocks pushed, not polled: each process mirrors the blocks in force, so a check costs no round trip.

Every client authentication (token, revocation, introspection) asks provider.throttling whether the
client_id or the caller's address is blocked. Asked of Redis, that is a round trip per request: about a
third of an introspection's time, and a tenth of a client credentials grant's (docs/benchmarks.md).
Blocks are rare and long (a window of minutes), so here every process keeps them in memory instead:

* the process that starts a block (``cache.add`` of its key succeeded) or lifts one publishes it on a
  Redis pub/sub channel, and keeps it at once;
* a thread per process subscribes to that channel, then reads the blocks already in force (SCAN for their
  keys, PTTL for when each ends), so none started before it listened is missed; messages that arrive
  during that read are applied after it, in order;
* while the subscription is proven (a message, or a PING answered, within ``ALIVE_SECONDS``), the
  throttling checks answer from the mirror; the moment it is not (Redis restarted, the connection
  dropped, the subscriber just started), they ask Redis as before, and the thread reconnects and reads
  the blocks again.

What that costs: a block started in another process is honoured here once its message arrives (a
loopback round trip, well under a millisecond on one host), and at worst ``ALIVE_SECONDS`` after a
connection died silently, since a dead connection is noticed by its missing PING answer. The mirror holds
at most ``MAX_BLOCKS`` blocks (an attacker inventing client_ids creates one block per invented id, as
in Redis itself); past that it stops vouching and every check asks Redis until expired blocks make room.

Only for the project's Redis cache backend (config.redis_cache): Redis pub/sub is what carries the
push. With the database cache (the embedded SQLite default) every check asks the cache, as before.
``THROTTLE_BLOCKS_PUSHED`` (default on; off in the test settings, like the token cache's LISTEN) turns
the mirror off.
"""

import contextlib
import json
import logging
import os
import threading
import time
from hashlib import sha256

from idp.settings import idp_settings

log = logging.getLogger(__name__)

# The throttle keys that hold a block's end (provider.throttling._keys): "throttle:<scope>:until:<digest>".
BLOCK_KEY_PATTERN = "throttle:*:until:*"
# With no message for this long, the subscriber proves its connection with a PING.
HEARTBEAT_SECONDS = 1.0
# How long one proof is trusted: past it, checks ask Redis until the subscriber proves itself again.
ALIVE_SECONDS = 3 * HEARTBEAT_SECONDS
# Pauses between connection attempts: from the first to the last, doubling.
RECONNECT_FIRST_SECONDS = 0.1
RECONNECT_LAST_SECONDS = 5.0
# More blocks than this and the mirror stops vouching (every check asks Redis) until expired ones go.
MAX_BLOCKS = 100_000
THREAD_NAME = "throttle_blocks_subscriber"


class BlockMirror:
    """One process's copy of the blocks in force in one Redis cache, kept by a subscriber thread."""

    def __init__(self, cache) -> None:
        self.client = cache.primary_client()
        # The raw key of every block key: whatever KEY_PREFIX, VERSION and KEY_FUNCTION the cache has.
        self.pattern = _glob_pattern(cache)
        self.channel = (
            f"idp:throttle-blocks:{sha256((cache.primary_location + self.pattern).encode()).hexdigest()[:20]}"
        )
        self.pid = os.getpid()
        self._blocks: dict[str, float] = {}  # raw key -> when the block ends (time.time())
        self._alive_until = -float("inf")  # time.monotonic(); the subscriber vouches until then
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self.subscribed = threading.Event()  # set while the mirror is complete (tests wait on it)
        self.subscriptions_made = 0
        self._thread = threading.Thread(target=self._run, name=THREAD_NAME, daemon=True)
        self._thread.start()

    # THE CHECKS (provider.throttling)
    def vouches(self) -> bool:
        """Whether the mirror holds every block in force, so a check may answer from it."""
        return time.monotonic() < self._alive_until and len(self._blocks) <= MAX_BLOCKS

    def blocked_until(self, raw_key: str) -> float | None:
        """When the block under ``raw_key`` ends (None: not blocked), as the cache would answer."""
        until = self._blocks.get(raw_key)
        return until if until is not None and until > time.time() else None

    def started(self, raw_key: str, until: float) -> None:
        """This process started a block: keep it, and tell every other process."""
        self._apply(raw_key, until)
        self.client.publish(self.channel, json.dumps({"key": raw_key, "until": until}))

    def lifted(self, raw_key: str) -> None:
        """This process lifted a block (an admin, a successful second factor): forget it everywhere."""
        self._apply(raw_key, 0.0)
        self.client.publish(self.channel, json.dumps({"key": raw_key, "until": 0.0}))

    def stop(self) -> None:
        """End the subscriber (tests; the thread is a daemon otherwise)."""
        self._stopping.set()
        self._thread.join(timeout=5 * HEARTBEAT_SECONDS)

    # THE SUBSCRIBER
    def _apply(self, raw_key: str, until: float) -> None:
        with self._lock:
            if until > time.time():
                self._blocks[raw_key] = until
            else:
                self._blocks.pop(raw_key, None)

    def _run(self) -> None:
        pause = RECONNECT_FIRST_SECONDS
        while not self._stopping.is_set():
            pubsub = self.client.pubsub()
            try:
                pubsub.subscribe(self.channel)
                self._wait_for_subscription(pubsub)
                self.subscriptions_made += 1
                pause = RECONNECT_FIRST_SECONDS
                self._mirror(pubsub)
            except Exception:
                # Whatever went wrong (Redis restarted, the connection was killed), checks ask Redis meanwhile.
                log.warning(
                    "Throttle block subscriber lost its channel; checks ask Redis until it is back.", exc_info=True
                )
            finally:
                self._alive_until = -float("inf")
                self.subscribed.clear()
                with contextlib.suppress(Exception):  # the connection may be gone already: nothing to close
                    pubsub.close()
            self._stopping.wait(pause)
            pause = min(2 * pause, RECONNECT_LAST_SECONDS)

    def _wait_for_subscription(self, pubsub) -> None:
        deadline = time.monotonic() + ALIVE_SECONDS
        while time.monotonic() < deadline:
            message = pubsub.get_message(timeout=HEARTBEAT_SECONDS)
            if message is not None and message["type"] == "subscribe":
                return
        raise ConnectionError("no subscription confirmation from Redis")

    def _mirror(self, pubsub) -> None:
        # Subscribed: every block started from now on is announced; those started before are read now.
        self._load()
        self._alive_until = time.monotonic() + ALIVE_SECONDS
        self.subscribed.set()
        last_heard = time.monotonic()
        pinged = False
        while not self._stopping.is_set():
            message = pubsub.get_message(timeout=HEARTBEAT_SECONDS)
            now = time.monotonic()
            if message is not None:
                last_heard, pinged = now, False
                self._alive_until = now + ALIVE_SECONDS
                if message["type"] == "message":
                    self._receive(message["data"])
            elif now - last_heard >= ALIVE_SECONDS:
                raise ConnectionError("Redis did not answer the subscriber's PING")
            elif not pinged and now - last_heard >= HEARTBEAT_SECONDS:
                pubsub.ping()  # the answer arrives as a message and proves the connection
                pinged = True
            self._purge_expired()

    def _load(self) -> None:
        """Every block in force, read from Redis: its key, and when it ends from the key's time to live."""
        keys = list(self.client.scan_iter(match=self.pattern, count=1000))
        pipeline = self.client.pipeline(transaction=False)
        for key in keys:
            pipeline.pttl(key)
        now = time.time()
        blocks = {
            key.decode() if isinstance(key, bytes) else key: now + ttl / 1000
            for key, ttl in zip(keys, pipeline.execute(), strict=True)
            if ttl > 0
        }
        with self._lock:
            self._blocks = blocks

    def _receive(self, data: bytes | str) -> None:
        try:
            block = json.loads(data)
            self._apply(str(block["key"]), float(block["until"]))
        except (ValueError, KeyError, TypeError):
            log.warning("Ignored a malformed throttle block message: %r", data)

    def _purge_expired(self) -> None:
        now = time.time()
        if any(until <= now for until in self._blocks.values()):
            with self._lock:
                self._blocks = {key: until for key, until in self._blocks.items() if until > now}


def _glob_pattern(cache) -> str:
    """The SCAN pattern of block keys as stored: the cache's own prefixing, its glob characters escaped."""
    sentinel = "\x00"
    made = cache.make_key(sentinel)
    escaped = "".join(f"\\{char}" if char in "*?[]\\" else char for char in made)
    return escaped.replace(sentinel, BLOCK_KEY_PATTERN)


# ONE MIRROR PER PROCESS AND REDIS CACHE
# ------------------------------------------------------------------------------
_mirrors: dict[tuple[str, str], BlockMirror] = {}
_mirrors_lock = threading.Lock()


def block_mirror(cache) -> BlockMirror | None:
    """This process's mirror of ``cache``'s blocks; None when blocks are not pushed (every check asks the cache)."""
    if not idp_settings.THROTTLE_BLOCKS_PUSHED or not hasattr(cache, "primary_client"):
        return None
    key = (cache.primary_location, cache.make_key(""))
    mirror = _mirrors.get(key)
    if mirror is not None and mirror.pid == os.getpid():
        return mirror
    with _mirrors_lock:
        mirror = _mirrors.get(key)
        # A thread does not survive fork: a worker forked after its parent mirrored starts its own.
        if mirror is None or mirror.pid != os.getpid():
            mirror = _mirrors[key] = BlockMirror(cache)
    return mirror


def stop_all() -> None:
    """Stop every mirror of this process (tests)."""
    with _mirrors_lock:
        mirrors = list(_mirrors.values())
        _mirrors.clear()
    for mirror in mirrors:
        if mirror.pid == os.getpid():
            mirror.stop()
