"""A user's sign-in sessions at the provider: recording them, ending one or all, signing a user out everywhere.

Every sign-in (anything that calls ``django.contrib.auth.login``) writes a ``UserSession`` record and puts
its random ``sid`` into the Django session. ``SessionRecordMiddleware`` reads the record on every
signed-in request (one query by a unique key) and signs the browser out when the record has ended or is
missing (a session signed in before records existed is signed out once). Ending sessions is therefore an
indexed UPDATE of records, whoever does it (the user, an admin, a password reset, a deactivation), instead of
a scan of Django's session table, whose rows carry the user's id only inside their signed data.

``sid`` travels with each authorization code into the ID tokens of its grant (OIDC Front-Channel
Logout 1.0 §3), and back-channel logout tokens name it when a session ends (provider.backchannel_logout).
"""

import secrets
from dataclasses import asdict, dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils import timezone
from oauth2_provider.settings import oauth2_settings

from accounts.models import UserSession
from audit.models import AuditEvent
from audit.request_meta import user_agent
from audit.services import record_event
from config.database_outage import OUTAGE_ERRORS, database_unavailable
from idp.client_address import client_address
from tokens.services import RevokedTokens, tokens_revoke

SID_SESSION_KEY = "oidc_sid"
# last_seen is written when it is older than this: at most one write per session per interval, not per request.
LAST_SEEN_INTERVAL = timedelta(minutes=5)


@receiver(user_logged_in, dispatch_uid="accounts_session_record")
def _record_session(sender, request: HttpRequest | None, user, **kwargs) -> None:
    # login() has already given the session a new key; the record is found through the sid kept in it.
    if request is None or not hasattr(request, "session"):
        return
    record = UserSession.objects.create(
        user=user,
        sid=secrets.token_urlsafe(32),
        user_agent=user_agent(request),
        client_address=client_address(request),
        issuer=request_issuer(request),
    )
    request.session[SID_SESSION_KEY] = record.sid


@receiver(user_logged_out, dispatch_uid="accounts_session_end")
def _end_session_on_sign_out(sender, request: HttpRequest | None, user, **kwargs) -> None:
    # Django's sign-out page and RP-initiated logout both call logout(), which flushes the session after this.
    sid = session_sid(request) if request is not None else None
    if sid is not None:
        sessions_end(sessions=UserSession.objects.filter(sid=sid), request=request)


def request_issuer(request: HttpRequest | None) -> str:
    """The issuer as ``request`` names it (DOT's rule: the configured one, else from the host); "" if it cannot."""
    if oauth2_settings.OIDC_ISS_ENDPOINT:
        return oauth2_settings.OIDC_ISS_ENDPOINT
    # A request built by hand (the test client's force_login, a script) may have no host to derive it from.
    if request is None or not (request.META.get("HTTP_HOST") or request.META.get("SERVER_NAME")):
        return ""
    return oauth2_settings.oidc_issuer(request)


def session_sid(request: HttpRequest) -> str | None:
    """The ``sid`` of the sign-in behind ``request``'s session (None: no sign-in recorded)."""
    session = getattr(request, "session", None)
    sid = session.get(SID_SESSION_KEY) if session is not None else None
    return sid if isinstance(sid, str) else None


def sessions_end(*, sessions, request: HttpRequest | None = None) -> int:
    """End the live sessions among ``sessions`` (a UserSession queryset), tell their clients; how many ended.

    The clients are told by back-channel logout (provider.backchannel_logout), queued in this transaction.
    """
    now = timezone.now()
    with transaction.atomic():
        ended = list(sessions.live().select_for_update().values_list("pk", flat=True))
        if not ended:
            return 0
        UserSession.objects.filter(pk__in=ended).update(ended=now)
        # Imported here: provider's modules import accounts at start-up, not the other way round.
        from provider.backchannel_logout import logout_notifications_enqueue

        logout_notifications_enqueue(sessions=UserSession.objects.filter(pk__in=ended), issuer=request_issuer(request))
    return len(ended)


def user_sessions_end(*, user, request: HttpRequest | None = None) -> int:
    """End every live session of ``user`` and return how many there were."""
    return sessions_end(sessions=UserSession.objects.filter(user=user), request=request)


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="accounts_sessions_end_on_deactivation")
def _end_sessions_of_deactivated_user(sender, instance, created: bool, **kwargs) -> None:
    """A deactivated account's sessions end and its clients are told, whichever path deactivated it.

    The admin's "active" checkbox, the admin action, accounts.services.user_deactivate and the shell all
    save the user; Django would refuse the browser anyway (ModelBackend rejects inactive users), but
    only ending the records sends the back-channel logouts. No live session: one indexed query.
    """
    if not created and not instance.is_active:
        user_sessions_end(user=instance)


class SessionRecordMiddleware:
    """Signs out a browser whose sign-in session has ended; notes when a live one was last seen."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        try:
            self._check(request)
        except OUTAGE_ERRORS as error:
            # This runs before every view, so it is where an outage shows first; it gets the same 503 a view's would.
            return database_unavailable(request, error)
        return self.get_response(request)

    @staticmethod
    def _check(request: HttpRequest) -> None:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            sid = session_sid(request)
            record = UserSession.objects.filter(sid=sid, user=user).first() if sid else None
            if record is None or record.ended is not None:
                logout(request)
            elif timezone.now() - record.last_seen >= LAST_SEEN_INTERVAL:
                UserSession.objects.filter(pk=record.pk).update(last_seen=timezone.now())


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

    The account stays usable: the user can sign in again (deactivate the account to stop that).
    """
    sessions = user_sessions_end(user=user, request=request)
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
