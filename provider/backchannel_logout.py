"""OpenID Connect Back-Channel Logout 1.0: telling clients, server to server, that a user's session ended.

When a sign-in session ends (accounts.sessions: the user signs out here or through RP-initiated logout,
signs out everywhere or one session from the account page, an admin ends it, a password reset, a
deactivation), every client that holds tokens from that session (its token families name the session's
``sid``) and registered a ``backchannel_logout_uri`` is sent a logout token (§2.4): a JWT signed with the ID
token key, ``typ: logout+jwt`` (§2.4, RFC 8725 §3.11), naming the user (``sub``) and the session (``sid``),
with the back-channel logout event and never a ``nonce`` (§2.4: so it cannot pass as an ID token).

Delivery is off the request path. Ending the session writes one ``BackchannelLogout`` row per client in
the same transaction (an outbox: no notice is lost to a crash between commit and send, none is sent for a
rolled-back sign-out); after the commit a worker thread sends them, and ``manage.py
deliver_backchannel_logouts`` sends whatever a stopped process left. A failed delivery is retried with
backoff (``RETRY_DELAYS``) and given up after the last one, so a client that is down is not called for ever.
Every request goes through idp.outbound (https, public addresses only, timeouts, size limit). §2.8: the
client answers 200 (we accept any 2xx); anything else is a failure.
"""

import json
import logging
import secrets
import threading
import time
from datetime import timedelta

from django.db import connections, transaction
from django.utils import timezone
from joserfc import jws

from idp.outbound import OutboundRefused, outbound_post_form
from idp.settings import idp_settings
from provider.jwt_access_tokens import SIGNING_ALGORITHM, signing_keys
from provider.models import BackchannelLogout

log = logging.getLogger(__name__)

LOGOUT_TOKEN_TYP = "logout+jwt"  # noqa: S105 - a JOSE header value, not a secret
BACKCHANNEL_LOGOUT_EVENT = "http://schemas.openid.net/event/backchannel-logout"
# §2.4 asks for a short lifetime: the token is signed afresh for each attempt, so two minutes suffice.
LOGOUT_TOKEN_LIFETIME_SECONDS = 120
# Wait before each retry: five attempts within about four minutes, then the delivery is given up.
RETRY_DELAYS = (timedelta(seconds=2), timedelta(seconds=10), timedelta(seconds=60), timedelta(seconds=180))
# A delivery being attempted is leased for this long, so two workers never send the same one at once.
LEASE = timedelta(seconds=30)


def logout_notifications_enqueue(*, sessions, issuer: str = "") -> int:
    """Queue a logout notice for each client holding tokens from one of ``sessions`` (UserSessions); how many.

    The issuer is fixed now (the worker that sends has no request): the configured one, else the one the
    session's sign-in request derived from its host, as its ID tokens did, else ``issuer`` (the one the
    ending request derives).
    """
    # Imported here: tokens depends on accounts, which calls this module when a session ends.
    from tokens.models import TokenFamily

    by_sid = {session.sid: session for session in sessions}
    if not by_sid:
        return 0
    families = (
        TokenFamily.objects.filter(sid__in=by_sid, application__is_active=True)
        .exclude(application__backchannel_logout_uri="")
        .values_list("application_id", "sid")
        .distinct()
    )
    notices = [
        BackchannelLogout(
            application_id=application_id,
            issuer=by_sid[sid].issuer or issuer,
            subject=str(by_sid[sid].user_id),
            sid=sid,
            jti=secrets.token_urlsafe(18),
        )
        for application_id, sid in families
    ]
    BackchannelLogout.objects.bulk_create(notices)
    if notices and idp_settings.BACKCHANNEL_LOGOUT_IN_BACKGROUND:
        transaction.on_commit(_start_worker)
    return len(notices)


def logout_token(notice: BackchannelLogout) -> str:
    """The signed logout token for ``notice`` (§2.4), with fresh ``iat`` and ``exp`` and the notice's ``jti``."""
    now = int(time.time())
    claims = {
        "iss": notice.issuer,
        "aud": notice.application.client_id,
        "iat": now,
        "exp": now + LOGOUT_TOKEN_LIFETIME_SECONDS,
        "jti": notice.jti,
        "sub": notice.subject,
        "sid": notice.sid,
        "events": {BACKCHANNEL_LOGOUT_EVENT: {}},
    }
    key = signing_keys().signing
    header = {"typ": LOGOUT_TOKEN_TYP, "alg": SIGNING_ALGORITHM, "kid": key.thumbprint()}
    return jws.serialize_compact(header, json.dumps(claims, separators=(",", ":")).encode(), key)


def _claim_next(now) -> BackchannelLogout | None:
    """Lease the next due notice, so no other worker sends it meanwhile (None: nothing is due)."""
    with transaction.atomic():
        notice = (
            BackchannelLogout.objects.select_for_update(skip_locked=True)
            .select_related("application")
            .filter(delivered__isnull=True, given_up__isnull=True, next_attempt__lte=now)
            .order_by("next_attempt")
            .first()
        )
        if notice is not None:
            notice.next_attempt = now + LEASE
            notice.save(update_fields=["next_attempt"])
        return notice


def _attempt(notice: BackchannelLogout, now) -> None:
    notice.attempts += 1
    uri = notice.application.backchannel_logout_uri
    try:
        if not uri:
            raise OutboundRefused("the client no longer has a back-channel logout URI")
        response = outbound_post_form(uri, {"logout_token": logout_token(notice)})
        error = "" if 200 <= response.status < 300 else f"HTTP {response.status}"
    except (OutboundRefused, OSError) as exc:
        error = f"{type(exc).__name__}: {exc}"
    notice.last_error = error[:200]
    if not error:
        notice.delivered = timezone.now()
    elif notice.attempts > len(RETRY_DELAYS) or error.startswith(OutboundRefused.__name__):
        # The last attempt failed, or the URI is one the provider may not call (waiting will not change that).
        notice.given_up = timezone.now()
        log.warning("Back-channel logout to %s given up: %s", notice.application.client_id, error)
    else:
        notice.next_attempt = now + RETRY_DELAYS[notice.attempts - 1]
    notice.save(update_fields=["attempts", "last_error", "delivered", "given_up", "next_attempt"])


def logout_notifications_deliver(*, now=None) -> int:
    """Attempt every notice that is due now, once each; return how many were attempted."""
    now = now or timezone.now()
    attempted = 0
    while (notice := _claim_next(now)) is not None:
        _attempt(notice, now)
        attempted += 1
    return attempted


def logout_notifications_pending() -> bool:
    """Whether some notice is waiting for a (first or later) attempt."""
    return BackchannelLogout.objects.filter(delivered__isnull=True, given_up__isnull=True).exists()


def _start_worker() -> None:
    threading.Thread(target=_worker, name="backchannel-logout", daemon=True).start()


def _worker() -> None:
    # Sends what is due, then sleeps until the next retry is due, until nothing is left: bounded by RETRY_DELAYS.
    try:
        while True:
            logout_notifications_deliver()
            upcoming = (
                BackchannelLogout.objects.filter(delivered__isnull=True, given_up__isnull=True)
                .order_by("next_attempt")
                .values_list("next_attempt", flat=True)
                .first()
            )
            if upcoming is None:
                return
            time.sleep(min(max((upcoming - timezone.now()).total_seconds(), 0.1), RETRY_DELAYS[-1].total_seconds()))
    except Exception:
        log.exception("Back-channel logout worker failed; manage.py deliver_backchannel_logouts sends what is left")
    finally:
        connections.close_all()  # this thread's own connections
