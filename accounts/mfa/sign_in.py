"""The second step of sign-in, and step-up: a password alone signs nobody in who has a second factor.

When the password is right and the user has a second factor (or must have one), the sign-in page does not
call ``login()``: it keeps the user's id in the session as *pending*, for PENDING_SECONDS, and sends the
person to the second-factor page. Only a right code or passkey there signs them in, with the methods used
recorded as ``amr`` (provider.authentication). A signed-in user asked for a second factor later (a client
or ``acr_values`` requiring it) passes the same page: a step-up, which moves ``auth_time`` too.
"""

import time

from django.contrib.auth import get_user_model, login
from django.http import HttpRequest

from provider.acr import AMR_MFA, AMR_PASSWORD
from provider.authentication import (
    pending_reauthentications,
    restore_pending_reauthentications,
    session_amr,
    session_authenticated,
    signed_in_within,
)

PENDING_SESSION_KEY = "mfa_pending_sign_in"
PENDING_SECONDS = 300


def sign_in_pending(request: HttpRequest, *, user) -> None:
    """Remember that ``user`` gave the right password here, waiting for the second factor."""
    request.session[PENDING_SESSION_KEY] = {"user": user.pk, "backend": user.backend, "at": time.time()}


def pending_user(request: HttpRequest):
    """The user whose password was right in this session within PENDING_SECONDS, else None."""
    pending = request.session.get(PENDING_SESSION_KEY)
    if not isinstance(pending, dict) or time.time() - pending.get("at", 0) > PENDING_SECONDS:
        return None
    return get_user_model().objects.filter(pk=pending.get("user"), is_active=True).first()


def second_factor_subject(request: HttpRequest):
    """Whose second factor the page asks for: the pending sign-in's user, else the signed-in user (step-up)."""
    user = pending_user(request)
    if user is not None:
        return user
    return request.user if request.user.is_authenticated else None


def second_factor_passed(request: HttpRequest, *, user, methods: list[str]) -> None:
    """Sign the pending user in, or step the signed-in one up, with ``methods`` (RFC 8176) added to the password."""
    pending = request.session.pop(PENDING_SESSION_KEY, None)
    if isinstance(pending, dict) and pending.get("user") == user.pk:
        waiting = pending_reauthentications(request)
        login(request, user, backend=pending["backend"])
        restore_pending_reauthentications(request, waiting)
        session_authenticated(request, amr=[AMR_PASSWORD, *methods, AMR_MFA])
        return
    # A session signed in before methods were recorded was signed in with a password (the only way then).
    previous = session_amr(request) or [AMR_PASSWORD]
    # A factor on top of an earlier sign-in: two factors only when that sign-in was one of another kind.
    amr = [*previous, *methods]
    if previous and set(previous) - set(methods):
        amr.append(AMR_MFA)
    session_authenticated(request, amr=amr, now=True)


def passwordless_signed_in(request: HttpRequest, *, user, methods: list[str]) -> None:
    """Sign ``user`` in with a passkey alone (methods: hwk, and user when the authenticator verified the user)."""
    request.session.pop(PENDING_SESSION_KEY, None)
    waiting = pending_reauthentications(request)
    login(request, user, backend="accounts.sign_in.ThrottledModelBackend")
    restore_pending_reauthentications(request, waiting)
    session_authenticated(request, amr=methods)


def recent_second_factor(request: HttpRequest, *, within: int) -> bool:
    """Whether the session's user gave two factors at most ``within`` seconds ago (a sign-in or a step-up)."""
    return AMR_MFA in session_amr(request) and signed_in_within(request, within)
