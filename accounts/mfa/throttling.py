"""How many wrong second-factor codes a user and an address may send: provider.throttling's shared counters.

After MFA_MAX_FAILURES_PER_USER wrong codes (TOTP or recovery) or refused passkeys for one user, or
MFA_MAX_FAILURES_PER_IP from one address, within MFA_FAILURE_WINDOW_SECONDS, every code is refused until
the window ends, right or wrong (so guessing on gains nothing). A passwordless passkey sign-in names no
account until it is accepted, so its refusals count against the address only. A right code clears the
user's count, never the address's (as sign-in lockouts do). django-otp's TOTP device adds its own
exponential back-off on top.
"""

import math

from django.http import HttpRequest
from django.utils.translation import ngettext

from audit.models import AuditEvent
from audit.services import record_event
from idp.client_address import client_address
from idp.settings import idp_settings
from provider.throttling import Limit, longest_retry_after, register_failure, reset, subject_and_ip_limits


def mfa_limits() -> tuple[Limit, Limit]:
    """The per-user and per-IP limits on wrong second-factor codes, read from settings at call time."""
    return subject_and_ip_limits(
        "mfa-code",
        "user",
        per_subject=idp_settings.MFA_MAX_FAILURES_PER_USER,
        per_ip=idp_settings.MFA_MAX_FAILURES_PER_IP,
        window=idp_settings.MFA_FAILURE_WINDOW_SECONDS,
    )


def _checks(request: HttpRequest, user) -> tuple[tuple[Limit, str | None], ...]:
    per_user, per_ip = mfa_limits()
    if user is None:
        # A passkey sign-in that names no known account yet: only the address can be counted.
        return ((per_ip, client_address(request)),)
    return (per_user, str(user.pk)), (per_ip, client_address(request))


def mfa_retry_after(*, request: HttpRequest, user) -> int:
    """Seconds until ``user`` (None: anyone) may send a code from this request's address again (0: now)."""
    return longest_retry_after(*_checks(request, user))


def mfa_code_failed(*, request: HttpRequest, user) -> None:
    """Count a wrong code or refused passkey against the user (if known) and the address; audit a pause."""
    for limit, subject in _checks(request, user):
        if register_failure(limit, subject):
            record_event(
                event=AuditEvent.Event.THROTTLE_TRIGGERED,
                request=request,
                user=user,
                limit=limit.scope,
                max_failures=limit.max_failures,
                window_seconds=limit.window,
            )


def mfa_code_accepted(*, user) -> None:
    """A right code clears the user's count (not the address's)."""
    per_user, _ = mfa_limits()
    reset(per_user, str(user.pk))


def retry_message(seconds: int) -> str:
    """The sentence shown while codes are refused, in whole minutes rounded up."""
    minutes = max(math.ceil(seconds / 60), 1)
    return ngettext(
        "Too many wrong codes. Try again in %(minutes)d minute.",
        "Too many wrong codes. Try again in %(minutes)d minutes.",
        minutes,
    ) % {"minutes": minutes}
