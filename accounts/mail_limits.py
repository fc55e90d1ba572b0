"""How often account e-mails may be asked for: reset and verification links, per address and per IP.

Each request is counted with provider.throttling's shared counters (``register_failure`` counts events;
here every request is one). After ACCOUNT_MAIL_MAX_PER_ADDRESS requests for one recipient address, or
ACCOUNT_MAIL_MAX_PER_IP from one IP, within ACCOUNT_MAIL_WINDOW_SECONDS, further requests are refused for
that window. The limits stop the pages being used to flood someone's mailbox, or the mail server's
reputation, and slow anyone probing addresses. For resets the address counter is keyed on the typed
address whether or not an account has it, so a paused unknown address looks like a paused real one.
"""

import math

from django.http import HttpRequest
from django.utils.translation import ngettext

from audit.models import AuditEvent
from audit.services import record_event
from idp.client_address import client_address
from idp.settings import idp_settings
from provider.throttling import Limit, longest_retry_after, register_failure, subject_and_ip_limits


def _mail_limits(scope: str) -> tuple[Limit, Limit]:
    return subject_and_ip_limits(
        scope,
        "address",
        per_subject=idp_settings.ACCOUNT_MAIL_MAX_PER_ADDRESS,
        per_ip=idp_settings.ACCOUNT_MAIL_MAX_PER_IP,
        window=idp_settings.ACCOUNT_MAIL_WINDOW_SECONDS,
    )


def password_reset_limits() -> tuple[Limit, Limit]:
    """The per-address and per-IP limits on password reset e-mails, read from settings at call time."""
    return _mail_limits("reset-mail")


def email_verification_limits() -> tuple[Limit, Limit]:
    """The per-address and per-IP limits on verification e-mails, read from settings at call time."""
    return _mail_limits("verify-mail")


def _checks(limits: tuple[Limit, Limit], address: str, request: HttpRequest) -> tuple[tuple[Limit, str | None], ...]:
    per_address, per_ip = limits
    # Case variants are one mailbox in practice (and one account: the reset form matches case-insensitively).
    return (per_address, address.strip().casefold()), (per_ip, client_address(request))


def mail_retry_after(*, limits: tuple[Limit, Limit], address: str, request: HttpRequest) -> int:
    """Seconds until a mail to ``address`` may be asked for from this request's IP (0: now)."""
    return longest_retry_after(*_checks(limits, address, request))


def mail_requested(*, limits: tuple[Limit, Limit], address: str, request: HttpRequest) -> None:
    """Count one mail asked for, against the address and the IP; audit a pause when one starts."""
    for limit, subject in _checks(limits, address, request):
        if register_failure(limit, subject):
            record_event(
                event=AuditEvent.Event.THROTTLE_TRIGGERED,
                request=request,
                limit=limit.scope,
                max_failures=limit.max_failures,
                window_seconds=limit.window,
            )


def retry_message(seconds: int) -> str:
    """The sentence shown while mails are paused, in whole minutes rounded up."""
    minutes = max(math.ceil(seconds / 60), 1)
    return ngettext(
        "Too many emails were asked for. Try again in %(minutes)d minute.",
        "Too many emails were asked for. Try again in %(minutes)d minutes.",
        minutes,
    ) % {"minutes": minutes}
