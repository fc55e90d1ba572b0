"""The per-process cache behind bearer validation, and the feed that keeps it in step.

Every API call presents a bearer token, and DOT answers each by loading the token, its client and its
user in one joined query. Here each process keeps what that query returned, as values in three stores:
the token as an immutable record (token_cache.records.BearerToken) keyed by its sha256 (the raw token
is never held), its user by primary key and its client by client_id, both as field values from which
each request gets instances of its own. A repeat presentation touches no database and builds no token.

Revocation still takes effect in every process, within a bound:

* Whatever can change a cached answer (an access token deleted or changed, a user or client changed or
  deleted) writes an ``InvalidationEvent`` row in the same transaction, by a database trigger, so the
  row is visible exactly when the change commits, however the change was made (ORM, bulk update, raw
  SQL). The process that made the change drops its own entries at once (token_cache.receivers).
* Before it answers from the cache, a process reads the rows added since its last read, at most once per
  ``TOKEN_CACHE_POLL_SECONDS``, and drops what they name from every store: a token's record goes with
  its own row, its user's and its client's, since it holds their state. So a change committed at time
  T is honoured by every process from T + TOKEN_CACHE_POLL_SECONDS on (plus the duration of one query).
* On PostgreSQL the rows are also pushed: a thread per process LISTENs for the NOTIFY that the feed's
  trigger sends on commit and reads the feed at once (token_cache.listener), so a change reaches every
  process within milliseconds. While that channel is proven alive the poll above is only a safety net,
  every ``TOKEN_CACHE_LISTEN_POLL_SECONDS``; when it drops, the poll interval is back in force.
* PostgreSQL hands out ids before commit, so a row with a smaller id may become visible after a larger
  one. Ids skipped by a read are remembered as holes and asked for again for ``HOLE_SECONDS``.
* Entries are reloaded after ``TOKEN_CACHE_MAX_AGE_SECONDS`` whatever happens: a backstop for what
  no trigger sees (TRUNCATE, a feed row purged while a process slept).

Refusals are cached too, so that an unknown token costs no more than a known one (``RefusedTokens``):
the checksum of a token the database did not have is remembered for ``TOKEN_CACHE_REFUSED_SECONDS``,
at most ``TOKEN_CACHE_REFUSED_MAX_ENTRIES`` of them (least recently refused out first), so a flood of
distinct garbage tokens costs each one query and bounded memory, never more. Why a refusal cannot hide
a token that exists:

* A token this provider issues is 30 random characters (about 178 bits) or a signed JWT with a fresh
  ``jti``, and its holder learns it only from a response sent after the transaction that stored it
  committed. Presenting it *before* it exists means guessing it: a refused checksum cannot become
  an issued token.
* A token stored with a value someone chose (the admin, an import, a test) can. The process that
  saves it forgets that checksum at once (token_cache.receivers); every process forgets all refusals
  whenever the feed names a changed or deleted token (a value changed by UPDATE); and any other
  process honours the new row at most ``TOKEN_CACHE_REFUSED_SECONDS`` later: the same bound, by
  default, as a revocation's.

Works the same on SQLite and PostgreSQL and needs no Redis: the feed is an ordinary table, read with one
indexed query per process per interval rather than one query per request.
"""

import logging
import os
import random
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Generic, TypeVar

from django.core.signals import setting_changed
from django.db import DatabaseError, connections, models, router
from django.db.models import Q
from django.dispatch import receiver
from django.utils import timezone
from oauth2_provider.models import AbstractAccessToken, AbstractApplication

from idp.settings import idp_settings
from token_cache.models import InvalidationEvent
from token_cache.records import BearerToken, Row

if TYPE_CHECKING:
    from token_cache.listener import FeedListener

log = logging.getLogger(__name__)

Kind = InvalidationEvent.Kind

# How long an id skipped by a read stays suspected of belonging to a transaction not yet committed.
HOLE_SECONDS = 30.0
# More holes than this means something unusual (a sequence jump); dropping everything is always safe.
MAX_HOLES = 1000
# A read returning this many rows is answered by dropping everything instead of replaying each row.
MAX_EVENTS_PER_READ = 2000
# On start, ids missing among the last few rows may belong to transactions still in flight.
START_SCAN = 200
# Feed rows are needed for MAX_AGE plus a poll interval at most; each process purges old ones now and then.
PURGE_EVERY_SECONDS = 300.0


@dataclass(frozen=True)
class CacheSettings:
    """The TOKEN_CACHE_* settings as plain attributes, re-read whenever a setting changes (tests).

    Every request reads some of them, and each read through ``django.conf.settings`` goes through its
    lazy wrapper, which costs about as much as the rest of a cache hit's bookkeeping.
    """

    enabled: bool
    poll_seconds: float
    max_age_seconds: float
    max_entries: int
    refused_seconds: float
    refused_max_entries: int
    listen: bool
    listen_poll_seconds: float

    @classmethod
    def current(cls) -> "CacheSettings":
        return cls(
            enabled=idp_settings.TOKEN_CACHE_ENABLED,
            poll_seconds=idp_settings.TOKEN_CACHE_POLL_SECONDS,
            max_age_seconds=idp_settings.TOKEN_CACHE_MAX_AGE_SECONDS,
            max_entries=idp_settings.TOKEN_CACHE_MAX_ENTRIES,
            refused_seconds=idp_settings.TOKEN_CACHE_REFUSED_SECONDS,
            refused_max_entries=idp_settings.TOKEN_CACHE_REFUSED_MAX_ENTRIES,
            listen=idp_settings.TOKEN_CACHE_ENABLED and idp_settings.TOKEN_CACHE_LISTEN,
            listen_poll_seconds=idp_settings.TOKEN_CACHE_LISTEN_POLL_SECONDS,
        )


K = TypeVar("K", str, int)
V = TypeVar("V")
Ref = tuple[str, int]  # (InvalidationEvent.Kind, primary key) of a row a cached value was read from


@dataclass(slots=True)
class _StoreEntry(Generic[V]):
    """One cached value, the rows it was read from, and when."""

    value: V
    refs: tuple[Ref, ...]
    loaded_at: float


class Store(Generic[K, V]):
    """Cached values of one kind by key, indexed by the rows each was read from, oldest first.

    Reads take no lock (a dict lookup is atomic); writes happen under the cache's lock.
    """

    def __init__(self) -> None:
        self._entries: dict[K, _StoreEntry[V]] = {}
        self._index: dict[Ref, set[K]] = {}

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, key: object) -> bool:
        return key in self._entries

    def get(self, key: K, max_age: float) -> V | None:
        entry = self._entries.get(key)
        if entry is None or time.monotonic() - entry.loaded_at >= max_age:
            return None
        return entry.value

    def put(self, key: K, value: V, refs: tuple[Ref, ...], max_entries: int) -> None:
        self.remove(key)
        while len(self._entries) >= max_entries:
            # Oldest first (dicts keep insertion order); entries are short-lived anyway.
            self.remove(next(iter(self._entries)))
        self._entries[key] = _StoreEntry(value, refs, time.monotonic())
        for ref in refs:
            self._index.setdefault(ref, set()).add(key)

    def drop(self, ref: Ref) -> None:
        for key in list(self._index.get(ref, ())):
            self.remove(key)

    def remove(self, key: K) -> None:
        entry = self._entries.pop(key, None)
        if entry is None:
            return
        for ref in entry.refs:
            keys = self._index.get(ref)
            if keys is not None:
                keys.discard(key)
                if not keys:
                    del self._index[ref]

    def clear(self) -> None:
        self._entries.clear()
        self._index.clear()


class RefusedTokens:
    """Checksums of tokens the database did not have, each until its expiry; at most ``max_entries``.

    Size-bounded (the least recently refused go first) and short-lived, so garbage tokens cannot grow
    memory and a refusal is never kept long. Reads take no lock; writes happen under the cache's lock.
    About 200 bytes an entry: 10,000 entries are 2 MB.
    """

    def __init__(self) -> None:
        self._expiry: OrderedDict[str, float] = OrderedDict()

    def __len__(self) -> int:
        return len(self._expiry)

    def __contains__(self, checksum: object) -> bool:
        expiry = self._expiry.get(checksum)
        return expiry is not None and time.monotonic() < expiry

    def add(self, checksum: str, seconds: float, max_entries: int) -> None:
        self._expiry.pop(checksum, None)
        self._expiry[checksum] = time.monotonic() + seconds
        while len(self._expiry) > max_entries:
            self._expiry.popitem(last=False)

    def discard(self, checksum: str) -> None:
        self._expiry.pop(checksum, None)

    def clear(self) -> None:
        self._expiry.clear()


class TokenCache:
    """This process's bearer tokens (records by checksum), users (by id) and clients (by client_id).

    Lookups answer from the state of the feed's last read and never query: call ``sync()`` once before
    a request's lookups, so one request reads the feed at most once and sees one consistent state.
    """

    def __init__(self):
        self._lock = threading.RLock()
        self._listener: FeedListener | None = None
        self.reset()
        self.configure()

    def configure(self) -> None:
        """Read the settings again; a listener is started by the next ``sync()`` if they call for one."""
        self.settings = CacheSettings.current()
        self._listener_due = self.settings.listen and self._listener is None

    def reset(self) -> None:
        """Forget everything, including the position in the feed (tests; a process after fork)."""
        with self._lock:
            self.tokens: Store[str, BearerToken] = Store()
            self.users: Store[int, Row] = Store()
            self.clients: Store[str, Row] = Store()
            self.refused = RefusedTokens()
            # Bumped whenever a refusal is forgotten: a lookup that straddles one does not remember its miss.
            self._refusal_generation = 0
            self._last_event_id: int | None = None
            self._holes: dict[int, float] = {}
            self._last_poll = -float("inf")
            self._next_purge = time.monotonic() + random.uniform(0, PURGE_EVERY_SECONDS)  # noqa: S311
            # Bumped by every drop and every read of the feed that found rows: a load that straddles one is
            # not stored, since the change it missed may already have been read (threaded servers).
            self._generation = 0
            # Bumped by the listener for each notification; the feed is read until a read has begun after it.
            self._moves = 0
            self._moves_read = 0
            # Until when the listener vouches for its channel; past it, polling every poll_seconds.
            self._push_alive_until = -float("inf")

    # LOOKUP
    # --------------------------------------------------------------------------
    def token(self, checksum: str) -> BearerToken | None:
        """The record of the access token whose sha256 is ``checksum``, if this process has it."""
        return self.tokens.get(checksum, self.settings.max_age_seconds)

    def user(self, user_id: int) -> models.Model | None:
        """A new instance of the user with primary key ``user_id``, if this process has the row."""
        row = self.user_row(user_id)
        return None if row is None else row.instance()

    def user_row(self, user_id: int) -> Row | None:
        """The row of the user with primary key ``user_id``, if this process has it (``instance()`` makes one)."""
        return self.users.get(user_id, self.settings.max_age_seconds)

    def client(self, client_id: str) -> AbstractApplication | None:
        """A new instance of the client with ``client_id``, if this process has the row."""
        row = self.clients.get(client_id, self.settings.max_age_seconds)
        return None if row is None else row.instance()

    def has_client(self, client_id: str) -> bool:
        """Whether this process has the row of the client ``client_id`` (no instance built)."""
        return self.clients.get(client_id, self.settings.max_age_seconds) is not None

    def is_refused(self, checksum: str) -> bool:
        """Whether the database had no token with sha256 ``checksum`` a moment ago (see ``RefusedTokens``)."""
        return checksum in self.refused

    def refusal_generation(self) -> int:
        """A token to pass to ``remember_refusal``: a miss that straddles a new token is not remembered."""
        return self._refusal_generation

    def generation(self) -> int:
        """A token to pass to the ``remember_*`` methods: loads that straddle a change are not remembered."""
        return self._generation

    def remember_token(self, access_token: AbstractAccessToken, *, db: str, generation: int) -> BearerToken:
        """Keep ``access_token``, just read from ``db`` with its user and client, as a record and two rows."""
        token = BearerToken.of(access_token)
        refs = ((Kind.TOKEN, token.id),)
        rows: list[tuple[Store, object, Row, Ref]] = []
        if access_token.user_id is not None:
            user = access_token.user
            refs += ((Kind.USER, user.pk),)
            rows.append((self.users, user.pk, Row.of(user, db=db), (Kind.USER, user.pk)))
        if access_token.application_id is not None:
            application = access_token.application
            refs += ((Kind.APPLICATION, application.pk),)
            row = Row.of(application, db=db)
            rows.append((self.clients, application.client_id, row, (Kind.APPLICATION, application.pk)))
        with self._lock:
            if generation != self._generation:
                return token
            self.tokens.put(token.checksum, token, refs, self.settings.max_entries)
            for store, key, row, ref in rows:
                store.put(key, row, (ref,), self.settings.max_entries)
        return token

    def remember_user(self, user: models.Model, *, db: str, generation: int) -> None:
        """Keep ``user``, just read from ``db``, for later lookups by its primary key."""
        row = Row.of(user, db=db)
        with self._lock:
            if generation == self._generation:
                self.users.put(user.pk, row, ((Kind.USER, user.pk),), self.settings.max_entries)

    def remember_client(self, application: AbstractApplication, *, db: str, generation: int) -> None:
        """Keep ``application``, just read from ``db``, for later lookups by its client_id."""
        if self.clients.get(application.client_id, self.settings.max_age_seconds) is not None:
            # The usual case: DOT handed back the instance this cache had just built. Only a fresh entry
            # counts: one past the maximum age is replaced by the row just read, or every later lookup
            # would find it stale and read the client again.
            return
        row = Row.of(application, db=db)
        with self._lock:
            if generation == self._generation:
                refs = ((Kind.APPLICATION, application.pk),)
                self.clients.put(application.client_id, row, refs, self.settings.max_entries)

    def remember_refusal(self, checksum: str, *, generation: int) -> None:
        """Keep for a short while that the database has no token with sha256 ``checksum``."""
        settings = self.settings
        if settings.refused_seconds <= 0:
            return
        with self._lock:
            if generation == self._refusal_generation:
                self.refused.add(checksum, settings.refused_seconds, settings.refused_max_entries)

    # INVALIDATION
    # --------------------------------------------------------------------------
    def drop(self, kind: str, ref: int) -> None:
        """Forget every token, user and client read from the ``kind`` row with primary key ``ref``."""
        with self._lock:
            self._generation += 1
            self._drop((kind, ref))

    def forget_refusal(self, checksum: str) -> None:
        """A token with sha256 ``checksum`` was just stored: stop refusing it."""
        with self._lock:
            self._refusal_generation += 1
            self.refused.discard(checksum)

    def clear(self) -> None:
        """Forget every entry but keep the position in the feed."""
        with self._lock:
            self._generation += 1
            self._refusal_generation += 1
            for store in (self.tokens, self.users, self.clients, self.refused):
                store.clear()

    def _drop(self, ref: Ref) -> None:
        for store in (self.tokens, self.users, self.clients):
            store.drop(ref)
        if ref[0] == Kind.TOKEN:
            # A token changed (its value, perhaps, by UPDATE) or went: refusals are cheap to rebuild.
            self._refusal_generation += 1
            self.refused.clear()

    # THE FEED
    # --------------------------------------------------------------------------
    def sync(self) -> None:
        """Read the feed if the listener announced rows since the last read began, or if the last read
        began more than the poll interval ago (TOKEN_CACHE_POLL_SECONDS, or TOKEN_CACHE_LISTEN_POLL_SECONDS
        while the listener vouches for its channel)."""
        if self._listener_due:
            self._listener_start()
        now = time.monotonic()
        if now - self._last_poll < self._poll_interval(now) and self._moves_read == self._moves:
            return
        with self._lock:
            if time.monotonic() - self._last_poll < self._poll_interval(now) and self._moves_read == self._moves:
                return  # another thread read it meanwhile
            moves = self._moves
            try:
                self._read_feed()
                if now >= self._next_purge:
                    self._purge()
            except DatabaseError:
                # Without the feed the cache cannot be trusted; the request goes on to the database, which
                # answers (or fails) exactly as it would with no cache at all.
                log.warning("Could not read the token cache feed; dropping the cache.", exc_info=True)
                self.clear()
                self._last_event_id = None
                return
            # Measured from before the read, so the bound holds whatever the read cost.
            self._last_poll = now
            self._moves_read = moves

    def _poll_interval(self, now: float) -> float:
        if now < self._push_alive_until:
            return self.settings.listen_poll_seconds
        return self.settings.poll_seconds

    # THE PUSH (token_cache.listener)
    # --------------------------------------------------------------------------
    def feed_moved(self) -> None:
        """The listener was notified of new feed rows: the next ``sync()`` reads them, whenever it comes."""
        self._moves += 1  # only the listener's thread writes it

    def push_alive(self, seconds: float) -> None:
        """The listener's channel works: for ``seconds`` it is trusted to announce every change."""
        self._push_alive_until = time.monotonic() + seconds

    def push_lost(self) -> None:
        """The listener's channel failed: poll every TOKEN_CACHE_POLL_SECONDS until it vouches again."""
        self._push_alive_until = -float("inf")

    def _listener_start(self) -> None:
        with self._lock:
            if not self._listener_due:
                return
            self._listener_due = False
            db = router.db_for_read(InvalidationEvent)
            if connections[db].vendor != "postgresql":
                return  # SQLite has no NOTIFY: polling alone
            from token_cache.listener import FeedListener  # psycopg is imported only where it is used

            self._listener = FeedListener(self)
            self._listener.start()

    def listener_stop(self) -> None:
        """Stop this process's listener, if it has one (tests)."""
        listener, self._listener = self._listener, None
        if listener is not None:
            listener.stop()
        self.push_lost()
        self.configure()

    def _forked(self) -> None:
        # A thread does not survive fork: the child (an app server's worker) starts its own listener.
        self._listener = None
        self.push_lost()
        self._listener_due = self.settings.listen

    def _read_feed(self) -> None:
        db = router.db_for_read(InvalidationEvent)
        events = InvalidationEvent.objects.using(db)
        if self._last_event_id is None:
            self._start(events)
            return
        condition = Q(id__gt=self._last_event_id)
        if self._holes:
            condition |= Q(id__in=list(self._holes))
        rows = list(events.filter(condition).order_by("id").values_list("id", "kind", "ref")[:MAX_EVENTS_PER_READ])
        now = time.monotonic()
        if len(rows) >= MAX_EVENTS_PER_READ:
            log.info("Token cache feed has %d+ new rows; dropping the whole cache.", MAX_EVENTS_PER_READ)
            self.clear()
            self._holes.clear()
            self._start(events)
            return
        if rows:
            self._generation += 1
        seen = set()
        for event_id, kind, ref in rows:
            seen.add(event_id)
            self._holes.pop(event_id, None)
            self._drop((kind, ref))
        new_ids = [event_id for event_id in seen if event_id > self._last_event_id]
        if new_ids:
            newest = max(new_ids)
            missing = set(range(self._last_event_id + 1, newest)) - seen
            self._last_event_id = newest
            for event_id in missing:
                self._holes[event_id] = now
        for event_id, since in list(self._holes.items()):
            if now - since > HOLE_SECONDS:
                del self._holes[event_id]
        if len(self._holes) > MAX_HOLES:
            log.info("Token cache feed has %d unexplained gaps; dropping the whole cache.", len(self._holes))
            self.clear()
            self._holes.clear()

    def _start(self, events: models.QuerySet) -> None:
        """First read in this process: note where the feed is, and which recent ids are still missing."""
        recent = list(events.order_by("-id").values_list("id", flat=True)[:START_SCAN])
        now = time.monotonic()
        self._last_event_id = recent[0] if recent else 0
        if recent:
            for event_id in set(range(recent[-1], recent[0])) - set(recent):
                self._holes[event_id] = now

    def _purge(self) -> None:
        retention = max(600.0, 2 * self.settings.max_age_seconds + HOLE_SECONDS)
        db = router.db_for_write(InvalidationEvent)
        InvalidationEvent.objects.using(db).filter(created__lt=timezone.now() - timedelta(seconds=retention)).delete()
        self._next_purge = time.monotonic() + PURGE_EVERY_SECONDS


access_tokens = TokenCache()
os.register_at_fork(after_in_child=access_tokens._forked)


@receiver(setting_changed, dispatch_uid="token_cache.settings_changed")
def _settings_changed(setting: str, **kwargs) -> None:
    # Tests change the poll interval, limits and the switch with a new IDP dict: read them again, after
    # idp_settings has forgotten the old values (whichever receiver Django calls first).
    if setting == "IDP":
        idp_settings.reload()
        access_tokens.configure()
