"""When the user behind a session really authenticated, and what ``prompt=login`` and ``max_age`` ask of it.

OIDC Core §2 defines ``auth_time`` as the time the End-User authentication occurred. DOT writes
``user.last_login`` into every ID token, read when the code is exchanged: that is the user's latest
sign-in anywhere (another browser, a sign-in after the code was issued), not the one behind the
session that approved the request. Here the moment is recorded in the session at sign-in, handed to
the code with the other authorization credentials (provider.backend) and kept with the code and its
token family (tokens.models), so every ID token names the sign-in that actually stands behind it.

OIDC Core §3.1.2.1: with ``prompt=login`` or ``max_age=0`` the user must sign in again for this
request; with ``max_age=N`` a sign-in more than N seconds old must be repeated. DOT answers
``prompt=login`` by sending the user to the sign-in page with ``prompt`` dropped from the return
address, so following that address without signing in (it is in the sign-in page's URL) completed
the request, and a ``prompt=login consent`` came back without ``consent``. Here the request keeps all
its parameters and the session remembers when it asked for a sign-in: the request is satisfied by a
sign-in recorded after that moment, once.
"""

import hashlib
import time
from datetime import UTC, datetime
from urllib.parse import parse_qsl, urlencode

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest

AUTH_TIME_SESSION_KEY = "oidc_auth_time"
# How the session's user signed in: RFC 8176 amr values (provider.acr), set by the sign-in pages after login().
AMR_SESSION_KEY = "oidc_amr"
REAUTHENTICATION_SESSION_KEY = "oidc_reauthentication_requested"
# Authorization requests waiting for a sign-in, per session: a few tabs at most; the oldest are forgotten.
MAX_PENDING_REAUTHENTICATIONS = 10


@receiver(user_logged_in, dispatch_uid="oidc_record_auth_time")
def _record_auth_time(sender, request: HttpRequest | None, user, **kwargs) -> None:
    # Every sign-in that creates a session goes through login(): the sign-in page, the admin's, tests' force_login.
    if request is not None and hasattr(request, "session"):
        request.session[AUTH_TIME_SESSION_KEY] = time.time()


def session_auth_time(request: HttpRequest) -> datetime | None:
    """When the session's user signed in (None for a session signed in before this was recorded)."""
    value = request.session.get(AUTH_TIME_SESSION_KEY)
    if not isinstance(value, int | float):
        return None
    return datetime.fromtimestamp(value, tz=UTC)


def session_amr(request: HttpRequest) -> list[str]:
    """How the session's user signed in (RFC 8176 values); empty when not recorded (a sign-in by other means)."""
    value = request.session.get(AMR_SESSION_KEY)
    return [method for method in value if isinstance(method, str)] if isinstance(value, list) else []


def session_authenticated(request: HttpRequest, *, amr: list[str], now: bool = False) -> None:
    """Record how the session's user signed in; ``now`` also moves auth_time (a step-up is an authentication)."""
    request.session[AMR_SESSION_KEY] = sorted(set(amr))
    if now:
        request.session[AUTH_TIME_SESSION_KEY] = time.time()


def signed_in_within(request: HttpRequest, max_age: int) -> bool:
    """Whether the session's sign-in is at most ``max_age`` seconds old (OIDC Core §3.1.2.1)."""
    auth_time = session_auth_time(request)
    return auth_time is not None and time.time() - auth_time.timestamp() <= max_age


def reauthentication_needed(request: HttpRequest, *, prompt: set[str], max_age: int | None) -> bool:
    """Whether the user must sign in (again) before this authorization request may complete.

    A session with no recorded sign-in moment always must: its code could not carry an exact auth_time.
    """
    auth_time = session_auth_time(request)
    if auth_time is None:
        return True
    if "login" in prompt or max_age == 0:
        requested_at = _pending(request).get(_request_key(request))
        return requested_at is None or auth_time.timestamp() < requested_at
    return max_age is not None and not signed_in_within(request, max_age)


def reauthentication_requested(request: HttpRequest) -> None:
    """Remember that this authorization request sent the user to sign in, now."""
    pending = _pending(request)
    pending[_request_key(request)] = time.time()
    newest = sorted(pending.items(), key=lambda item: item[1])[-MAX_PENDING_REAUTHENTICATIONS:]
    request.session[REAUTHENTICATION_SESSION_KEY] = dict(newest)


def reauthentication_done(request: HttpRequest) -> None:
    """Forget this request's sign-in demand: the sign-in that met it does not meet the same request again."""
    pending = _pending(request)
    if pending.pop(_request_key(request), None) is not None:
        request.session[REAUTHENTICATION_SESSION_KEY] = pending


def pending_reauthentications(request: HttpRequest) -> dict[str, float]:
    """The session's waiting sign-in demands, for the sign-in page to carry over a change of user."""
    return _pending(request)


def restore_pending_reauthentications(request: HttpRequest, pending: dict[str, float]) -> None:
    if pending:
        request.session[REAUTHENTICATION_SESSION_KEY] = {**_pending(request), **pending}


def _pending(request: HttpRequest) -> dict[str, float]:
    pending = request.session.get(REAUTHENTICATION_SESSION_KEY)
    return dict(pending) if isinstance(pending, dict) else {}


def _request_key(request: HttpRequest) -> str:
    # The authorization request's parameters, however the query happens to be ordered or encoded.
    pairs = sorted(parse_qsl(request.META.get("QUERY_STRING", ""), keep_blank_values=True))
    return hashlib.sha256(urlencode(pairs).encode()).hexdigest()
