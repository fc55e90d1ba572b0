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
import math
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from functools import partial
from typing import ClassVar

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.signals import setting_changed
from django.db import DatabaseError, models, router
from django.db.models import Q
from django.db.models.base import ModelState
from django.db.models.signals import post_init, pre_init
from django.dispatch import receiver
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

    @classmethod
    def current(cls) -> "CacheSettings":
        return cls(
            enabled=settings.TOKEN_CACHE_ENABLED,
            poll_seconds=settings.TOKEN_CACHE_POLL_SECONDS,
            max_age_seconds=settings.TOKEN_CACHE_MAX_AGE_SECONDS,
            max_entries=settings.TOKEN_CACHE_MAX_ENTRIES,
        )


class _RelationCache(dict):
    """A model instance's relation cache (``_state.fields_cache``) whose pending rows are built when first read.

    Django reads this dict by key, asks ``in``, sets and deletes keys, and copies it to pickle; a pending
    relation behaves in each as if it were already cached, so nothing can tell the difference except
    the time it takes to build a row nobody reads. Made as ``_RelationCache(cached)``, then ``_pending``
    set to ``{cache name: builder}`` (no ``__init__`` of its own: this is made once per request).
    """

    __slots__ = ("_pending",)
    _pending: dict[str, Callable[[], models.Model]]

    def __missing__(self, key: str) -> models.Model:
        value = self._pending.pop(key)()  # KeyError when neither cached nor pending, as Django expects
        dict.__setitem__(self, key, value)
        return value

    def __contains__(self, key: object) -> bool:
        return dict.__contains__(self, key) or key in self._pending

    def __setitem__(self, key: str, value: models.Model | None) -> None:
        self._pending.pop(key, None)
        dict.__setitem__(self, key, value)

    def __delitem__(self, key: str) -> None:
        if self._pending.pop(key, None) is None:
            dict.__delitem__(self, key)

    def copy(self) -> dict:
        # Model.__getstate__ (pickling, copy.copy) keeps the copy: it must hold every relation, built.
        return {**self, **{key: self[key] for key in list(self._pending)}}


# JSON values a request cannot change in place, so every instance may share them.
_IMMUTABLE_JSON = (str, int, float, bool, type(None))


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
        """The row's values, owned by the cache: what the caller then does to ``instance`` never reaches them."""
        values = {name: getattr(instance, name) for name in self.names}
        for name in self.mutable:
            value = values[name]
            if isinstance(value, list) and all(isinstance(item, str) for item in value):
                # A tuple stands for a list of strings (JSON never decodes to one): cheap to hand out afresh.
                values[name] = tuple(value)
            elif not isinstance(value, _IMMUTABLE_JSON):
                values[name] = copy.deepcopy(value)
        return values

    def build(self, db: str, snapshot: dict) -> models.Model:
        """A fresh instance for each request, as ``Model.from_db`` would make it, minus the per-field work."""
        instance = self.model.__new__(self.model)
        values = instance.__dict__
        values.update(snapshot)
        for name in self.mutable:
            # A view may mutate a list it was handed; that must never change what the next request sees.
            value = values[name]
            if value.__class__ is tuple:
                values[name] = list(value)
            elif not isinstance(value, _IMMUTABLE_JSON):
                values[name] = copy.deepcopy(value)
        if self.init_listened:
            return self.model.from_db(db, self.names, [values[name] for name in self.names])
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
    # The token's expiry as a POSIX timestamp: checked on every cache hit, cheaper than a datetime.
    expires_at: float
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
    validated: ClassVar[bool] = False  # a client is never a bearer token's answer

    def refs(self) -> tuple[tuple[str, int | None], ...]:
        return ((InvalidationEvent.Kind.APPLICATION, self.application_id),)


CLIENT_KEY = "client:"  # token entries are keyed by a sha256 hex digest, which never starts like this


class AccessTokenCache:
    """Access tokens by checksum, and clients by client_id, for this process; kept fresh by the shared feed."""

    def __init__(self):
        self._lock = threading.RLock()
        self._specs: tuple[_ModelSpec, _ModelSpec, _ModelSpec] | None = None
        self.settings = CacheSettings.current()
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
        if entry is not None and time.monotonic() - entry.loaded_at < self.settings.max_age_seconds:
            return self._build(entry)[0]
        generation = self._generation
        token = load()
        if token is not None:
            self._store(checksum, token, generation)
        return token

    def validated(self, checksum: str) -> tuple[AbstractAccessToken, models.Model | None] | None:
        """The token and its user (None for a client's own token), if the validator accepted it before and
        nothing it depends on changed since.

        ``validate_bearer_token`` decides from the token, its user and its client (rows whose every
        change empties the entry), the clock (expiry, checked again here) and, for a token bound to
        resources, the request URI (such tokens are never marked). So its answer for an unchanged entry
        is the same answer, and repeating it is work, not safety.
        """
        now = time.monotonic()
        if now - self._last_poll >= self.settings.poll_seconds:  # sync()'s own test, spared a call per request
            self.sync()
            now = time.monotonic()
        entry = self._entries.get(checksum)
        if (
            entry is None
            or not entry.validated
            or now - entry.loaded_at >= self.settings.max_age_seconds
            or time.time() >= entry.expires_at
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
        if entry is None or time.monotonic() - entry.loaded_at >= self.settings.max_age_seconds:
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

    def _build(self, entry: _Entry) -> tuple[AbstractAccessToken, models.Model | None]:
        """Fresh instances of the token and its user, related as select_related would leave them."""
        token_spec, user_spec, application_spec = self._specs or self._model_specs()
        token = token_spec.build(entry.db, entry.token)
        user = user_spec.build(entry.db, entry.user) if entry.user is not None else None
        # Fill the relation caches the way select_related does, so no attribute access queries. Bearer
        # checks read the user but never the client: the client is built only if something asks for it.
        # The keys are the fields' cache names, which for a foreign key is its name (Field.cache_name).
        relations = _RelationCache(user=user)
        if entry.application is None:
            relations._pending = {}
            relations["application"] = None
        else:
            relations._pending = {"application": partial(application_spec.build, entry.db, entry.application)}
        token._state.fields_cache = relations
        return token, user

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
            expires_at=token.expires.timestamp() if token.expires else -math.inf,
        )
        self._insert(checksum, entry, generation)

    def _insert(self, key: str, entry: "_Entry | _ClientEntry", generation: int) -> None:
        with self._lock:
            if generation != self._generation:
                return
            self._remove(key)
            while len(self._entries) >= self.settings.max_entries:
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
        interval = self.settings.poll_seconds
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
        retention = max(600.0, 2 * self.settings.max_age_seconds + HOLE_SECONDS)
        db = router.db_for_write(InvalidationEvent)
        InvalidationEvent.objects.using(db).filter(created__lt=timezone.now() - timedelta(seconds=retention)).delete()
        self._next_purge = time.monotonic() + PURGE_EVERY_SECONDS


access_tokens = AccessTokenCache()


@receiver(setting_changed, dispatch_uid="token_cache.settings_changed")
def _settings_changed(setting: str, **kwargs) -> None:
    # Tests change the poll interval, limits and the switch with override_settings: read them again.
    if setting.startswith("TOKEN_CACHE_"):
        access_tokens.settings = CacheSettings.current()
