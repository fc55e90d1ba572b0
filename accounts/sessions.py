"""A user's sign-in sessions at the provider: finding and ending them, and signing a user out everywhere.

Django's session table has no user column: the user's id is inside each row's signed, possibly compressed
``session_data``, so it cannot be filtered in SQL. Only unexpired rows are read (an expired session signs
nobody in), as two plain columns streamed in chunks, and each is decoded in memory; the ones found are then
deleted in batches. Decoding is a signature check, a decompression and a JSON parse, about 40 µs a row
on the development machines: a few seconds per hundred thousand live sessions, in memory that does not
grow with the table. A user column (a session model of our own) would make it one indexed DELETE; not worth
a second session backend for an operator's occasional command.
"""

from dataclasses import asdict, dataclass
from importlib import import_module

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.core.cache import caches
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone

from audit.models import AuditEvent
from audit.services import record_event
from tokens.services import RevokedTokens, tokens_revoke

# Rows fetched per round trip while scanning, and keys per DELETE: small enough for any database's
# parameter limit, large enough that a scan of the whole table takes few round trips.
SESSION_BATCH_SIZE = 2000


def _session_store():
    store = import_module(settings.SESSION_ENGINE).SessionStore
    if not hasattr(store, "get_model_class"):
        # Signed-cookie or cache-only sessions live where no server can list them: they end when they expire,
        # or for everyone at once when SECRET_KEY (or the cache) changes.
        raise ImproperlyConfigured(f"{settings.SESSION_ENGINE} keeps no session rows that could be ended one by one.")
    return store


def user_sessions_end(*, user) -> int:
    """Delete every unexpired session signed in as ``user`` and return how many there were."""
    store = _session_store()
    decoder = store()
    user_id = str(user.pk)
    rows = (
        store.get_model_class()
        .objects.filter(expire_date__gt=timezone.now())
        .values_list("session_key", "session_data")
        .iterator(chunk_size=SESSION_BATCH_SIZE)
    )
    # decode() answers {} for a row it cannot read (tampered, or signed with a retired SECRET_KEY).
    keys = [key for key, data in rows if str(decoder.decode(data).get(SESSION_KEY)) == user_id]
    model = store.get_model_class()
    for start in range(0, len(keys), SESSION_BATCH_SIZE):
        model.objects.filter(session_key__in=keys[start : start + SESSION_BATCH_SIZE]).delete()
    cache_key_prefix = getattr(store, "cache_key_prefix", None)
    if cache_key_prefix and keys:
        # cached_db: a cached copy would otherwise sign the user in until it expired from the cache.
        caches[settings.SESSION_CACHE_ALIAS].delete_many([cache_key_prefix + key for key in keys])
    return len(keys)


@dataclass(frozen=True, slots=True)
class SignedOut:
    """What signing a user out everywhere ended."""

    sessions: int
    codes: int
    access_tokens: int
    refresh_tokens: int


@transaction.atomic
def user_sign_out_everywhere(*, user, request=None) -> SignedOut:
    """End ``user``'s sessions here and revoke every code and token any client holds for them; audited.

    The account stays usable: the user can sign in again (deactivate the account to stop that). A session
    started while this runs may be missed, but not the tokens issued before the revocation at the end.
    """
    sessions = user_sessions_end(user=user)
    revoked: RevokedTokens = tokens_revoke(user=user)
    # Named without "token" or "code": audit.services drops details whose names look like credentials.
    record_event(
        event=AuditEvent.Event.TOKEN_REVOKED,
        request=request,
        user=user,
        reason="signed out everywhere",
        sessions_ended=sessions,
        grants_revoked=revoked.codes,
        access_revoked=revoked.access_tokens,
        refresh_revoked=revoked.refresh_tokens,
    )
    return SignedOut(sessions=sessions, **asdict(revoked))
