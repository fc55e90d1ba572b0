"""The per-process access-token cache behind bearer validation, and the feed that keeps it in step.

Every API call presents a bearer token, and DOT answers each by loading the token, its client and its
user in one joined query. Here each process keeps what that query returned, keyed by the token's
sha256 (the raw token is never held), and serves repeat presentations without touching the database.

Revocation still takes effect in every process, within a bound:

* Whatever can change a cached answer (an access token deleted or changed, a user or client changed or
  deleted) writes an ``InvalidationEvent`` row in the same transaction, by a database trigger, so the
  row is visible exactly when the change commits, however the change was made (ORM, bulk update, raw
  SQL). The process that made the change drops its own entries at once (token_cache.receivers).
* Before it answers from the cache, a process reads the rows added since its last read, at most once per
  ``TOKEN_CACHE_POLL_SECONDS``, and drops what they name. So a change committed at time T is honoured
  by every process from T + TOKEN_CACHE_POLL_SECONDS on (plus the duration of one small query).
* PostgreSQL hands out ids before commit, so a row with a smaller id may become visible after a larger
  one. Ids skipped by a read are remembered as holes and asked for again for ``HOLE_SECONDS``.
* Entries are reloaded after ``TOKEN_CACHE_MAX_AGE_SECONDS`` whatever happens: a backstop for what
  no trigger sees (TRUNCATE, a feed row purged while a process slept).

Works the same on SQLite and PostgreSQL and needs no Redis: the feed is an ordinary table, read with one
indexed query per process per interval rather than one query per request.
"""

import copy
import logging
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import DatabaseError, models, router
from django.db.models import Q
from django.db.models.base import ModelState
from django.db.models.signals import post_init, pre_init
from django.utils import timezone
from django.utils.functional import cached_property
from oauth2_provider.models import (
    AbstractAccessToken,
    AbstractApplication,
    get_access_token_model,
    get_application_model,
)

from token_cache.models import InvalidationEvent

log = logging.getLogger(__name__)

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


@dataclass
class _ModelSpec:
    """How rows of one model are kept (their field values) and turned back into instances."""

    model: type[models.Model]
    names: tuple[str, ...]
    mutable: tuple[str, ...]

    @classmethod
    def of(cls, model: type[models.Model]) -> "_ModelSpec":
        fields = model._meta.concrete_fields
        return cls(
            model=model,
            names=tuple(f.attname for f in fields),
            mutable=tuple(f.attname for f in fields if isinstance(f, models.JSONField)),
        )

    def snapshot(self, instance: models.Model) -> dict:
        return {name: getattr(instance, name) for name in self.names}

    def build(self, db: str, snapshot: dict) -> models.Model:
        """A fresh instance for each request, as ``Model.from_db`` would make it, minus the per-field work."""
        if self.init_listened:
            return self.model.from_db(db, self.names, [snapshot[name] for name in self.names])
        instance = self.model.__new__(self.model)
        values = instance.__dict__
        values.update(snapshot)
        for name in self.mutable:
            # A view may mutate a list it was handed; that must never change what the next request sees.
            value = snapshot[name]
            if isinstance(value, list) and all(isinstance(item, str) for item in value):
                values[name] = list(value)
            elif value is not None and not isinstance(value, str | int | float | bool):
                values[name] = copy.deepcopy(value)
        state = ModelState()
        state.adding = False
        state.db = db
        instance._state = state
        return instance

    @cached_property
    def init_listened(self) -> bool:
        # Only skip Model.__init__ when nothing listens to it (checked once: receivers connect at start-up).
        return pre_init.has_listeners(self.model) or post_init.has_listeners(self.model)


@dataclass
class _Entry:
    """One cached access token with its user and client, as DOT's select_related query returned them."""

    db: str
    token: dict
    user: dict | None
    application: dict | None
    token_id: int
    user_id: int | None
    application_id: int | None
    loaded_at: float
    # Set once the validator's whole validate_bearer_token accepted this token (see ``validated``).
    validated: bool = False

    def refs(self) -> tuple[tuple[str, int | None], ...]:
        """The (kind, primary key) of every row this entry depends on."""
        Kind = InvalidationEvent.Kind
        return ((Kind.TOKEN, self.token_id), (Kind.USER, self.user_id), (Kind.APPLICATION, self.application_id))


@dataclass
class _ClientEntry:
    """One cached client (Application row), as DOT's lookup by client_id returned it."""

    db: str
    application: dict
    application_id: int
    loaded_at: float

    def refs(self) -> tuple[tuple[str, int | None], ...]:
        return ((InvalidationEvent.Kind.APPLICATION, self.application_id),)


CLIENT_KEY = "client:"  # token entries are keyed by a sha256 hex digest, which never starts like this


class AccessTokenCache:
    """Access tokens by checksum, and clients by client_id, for this process; kept fresh by the shared feed."""

    def __init__(self):
        self._lock = threading.RLock()
        self._specs: tuple[_ModelSpec, _ModelSpec, _ModelSpec] | None = None
        self.reset()

    def reset(self) -> None:
        """Forget everything, including the position in the feed (tests; a process after fork)."""
        with self._lock:
            self._entries: dict[str, _Entry | _ClientEntry] = {}
            self._index: dict[str, dict[int, set[str]]] = {kind: {} for kind in InvalidationEvent.Kind.values}
            self._last_event_id: int | None = None
            self._holes: dict[int, float] = {}
            self._last_poll = -float("inf")
            self._next_purge = time.monotonic() + random.uniform(0, PURGE_EVERY_SECONDS)  # noqa: S311
            # Bumped by every drop and every read of the feed: a load that straddles one is not stored,
            # since the change it missed may already have been read (threaded servers).
            self._generation = 0

    # LOOKUP
    # --------------------------------------------------------------------------
    def access_token(
        self, checksum: str, load: Callable[[], AbstractAccessToken | None]
    ) -> AbstractAccessToken | None:
        """The access token with ``checksum`` (user and client attached), from here or from ``load()``."""
        self.sync()
        entry = self._entries.get(checksum)
        if entry is not None and time.monotonic() - entry.loaded_at < settings.TOKEN_CACHE_MAX_AGE_SECONDS:
            return self._build(entry)
        generation = self._generation
        token = load()
        if token is not None:
            self._store(checksum, token, generation)
        return token

    def validated(self, checksum: str) -> AbstractAccessToken | None:
        """The token, if the validator accepted it before and nothing it depends on changed since.

        ``validate_bearer_token`` decides from the token, its user and its client (rows whose every
        change empties the entry), the clock (expiry, checked again here) and, for a token bound to
        resources, the request URI (such tokens are never marked). So its answer for an unchanged entry
        is the same answer, and repeating it is work, not safety.
        """
        self.sync()
        entry = self._entries.get(checksum)
        if (
            entry is None
            or not getattr(entry, "validated", False)
            or time.monotonic() - entry.loaded_at >= settings.TOKEN_CACHE_MAX_AGE_SECONDS
            or timezone.now() >= entry.token["expires"]
        ):
            return None
        return self._build(entry)

    def mark_validated(self, checksum: str, generation: int) -> None:
        """Note that the validator accepted the token (for a request with no required scope)."""
        with self._lock:
            entry = self._entries.get(checksum)
            if generation == self._generation and isinstance(entry, _Entry) and not entry.token.get("resource"):
                entry.validated = True

    def client(self, client_id: str) -> AbstractApplication | None:
        """The client with ``client_id`` if this process has it (a fresh instance), else None; never a query."""
        self.sync()
        entry = self._entries.get(CLIENT_KEY + client_id)
        if entry is None or time.monotonic() - entry.loaded_at >= settings.TOKEN_CACHE_MAX_AGE_SECONDS:
            return None
        return self._model_specs()[2].build(entry.db, entry.application)

    def generation(self) -> int:
        """A token to pass to ``remember_client``: loads that straddle a change are not remembered."""
        return self._generation

    def remember_client(self, application: AbstractApplication, generation: int) -> None:
        """Keep ``application``, just loaded from the database, for later lookups by its client_id."""
        key = CLIENT_KEY + application.client_id
        if key in self._entries:
            return
        entry = _ClientEntry(
            db=application._state.db,
            application=self._model_specs()[2].snapshot(application),
            application_id=application.pk,
            loaded_at=time.monotonic(),
        )
        self._insert(key, entry, generation)

    def _build(self, entry: _Entry) -> AbstractAccessToken:
        token_spec, user_spec, application_spec = self._model_specs()
        token = token_spec.build(entry.db, entry.token)
        # Fill the relation caches the way select_related does, so no attribute access queries.
        token_spec.model.user.field.set_cached_value(
            token, user_spec.build(entry.db, entry.user) if entry.user is not None else None
        )
        token_spec.model.application.field.set_cached_value(
            token, application_spec.build(entry.db, entry.application) if entry.application is not None else None
        )
        return token

    def _store(self, checksum: str, token: AbstractAccessToken, generation: int) -> None:
        token_spec, user_spec, application_spec = self._model_specs()
        user = token.user if token.user_id is not None else None
        application = token.application if token.application_id is not None else None
        entry = _Entry(
            db=token._state.db,
            token=token_spec.snapshot(token),
            user=user_spec.snapshot(user) if user is not None else None,
            application=application_spec.snapshot(application) if application is not None else None,
            token_id=token.pk,
            user_id=token.user_id,
            application_id=token.application_id,
            loaded_at=time.monotonic(),
        )
        self._insert(checksum, entry, generation)

    def _insert(self, key: str, entry: "_Entry | _ClientEntry", generation: int) -> None:
        with self._lock:
            if generation != self._generation:
                return
            self._remove(key)
            while len(self._entries) >= settings.TOKEN_CACHE_MAX_ENTRIES:
                # Oldest first (dicts keep insertion order); entries are short-lived anyway.
                self._remove(next(iter(self._entries)))
            self._entries[key] = entry
            for kind, ref in entry.refs():
                if ref is not None:
                    self._index[kind].setdefault(ref, set()).add(key)

    def _model_specs(self) -> tuple["_ModelSpec", "_ModelSpec", "_ModelSpec"]:
        if self._specs is None:
            self._specs = (
                _ModelSpec.of(get_access_token_model()),
                _ModelSpec.of(get_user_model()),
                _ModelSpec.of(get_application_model()),
            )
        return self._specs

    # INVALIDATION
    # --------------------------------------------------------------------------
    def drop(self, kind: str, ref: int) -> None:
        """Forget every entry that depends on the ``kind`` row with primary key ``ref``."""
        with self._lock:
            self._generation += 1
            for checksum in list(self._index[kind].get(ref, ())):
                self._remove(checksum)

    def clear(self) -> None:
        """Forget every entry but keep the position in the feed."""
        with self._lock:
            self._generation += 1
            self._entries.clear()
            for index in self._index.values():
                index.clear()

    def _remove(self, checksum: str) -> None:
        entry = self._entries.pop(checksum, None)
        if entry is None:
            return
        for kind, ref in entry.refs():
            checksums = self._index[kind].get(ref)
            if checksums is not None:
                checksums.discard(checksum)
                if not checksums:
                    del self._index[kind][ref]

    # THE FEED
    # --------------------------------------------------------------------------
    def sync(self) -> None:
        """Read the feed if the last read started more than TOKEN_CACHE_POLL_SECONDS ago."""
        now = time.monotonic()
        interval = settings.TOKEN_CACHE_POLL_SECONDS
        if now - self._last_poll < interval:
            return
        with self._lock:
            if time.monotonic() - self._last_poll < interval:
                return  # another thread read it meanwhile
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
            for checksum in list(self._index[kind].get(ref, ())):
                self._remove(checksum)
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
        retention = max(600.0, 2 * settings.TOKEN_CACHE_MAX_AGE_SECONDS + HOLE_SECONDS)
        db = router.db_for_write(InvalidationEvent)
        InvalidationEvent.objects.using(db).filter(created__lt=timezone.now() - timedelta(seconds=retention)).delete()
        self._next_purge = time.monotonic() + PURGE_EVERY_SECONDS


access_tokens = AccessTokenCache()
