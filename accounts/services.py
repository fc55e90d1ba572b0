"""Writes that change several models together for one user."""

from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse

from accounts.email_verification import email_verification_token
from accounts.mail import absolute_link, mail_send
from accounts.models import User
from accounts.sessions import user_sessions_end
from audit.models import AuditEvent
from audit.services import record_event
from consent.services import consent_forget
from idp.settings import idp_settings
from tokens.services import tokens_revoke


@transaction.atomic
def authorization_revoke(*, user, application) -> None:
    """Withdraw everything ``user`` granted ``application``: codes in flight, access and refresh tokens."""
    tokens_revoke(user=user, application=application)
    # Revoking means "ask me again": without this the next request would be approved silently.
    consent_forget(user=user, application=application)
    record_event(event=AuditEvent.Event.TOKEN_REVOKED, user=user, application=application, reason="user withdrew")


@transaction.atomic
def user_deactivate(*, user: User) -> None:
    """Deactivate ``user``: they cannot sign in, and every code and token they hold is revoked (ASVS 7.4.2).

    The revocation (tokens.receivers) and the end of their sessions with the clients' back-channel
    logouts (accounts.sessions) are done by receivers of this save, in the same transaction, so any
    other path that deactivates a user (admin form, shell) does both too.
    """
    user.is_active = False
    user.save(update_fields=["is_active"])


@transaction.atomic
def user_password_reset(*, user: User, password: str, request: HttpRequest) -> None:
    """Give ``user`` the new ``password`` chosen through a mailed reset link; all their sessions and tokens end.

    Sessions: the new password changes the session auth hash, so every session signed in before it, on
    any device, is refused and flushed at its next request (django.contrib.auth.get_user). Tokens:
    tokens.receivers revokes every token of the user on this save, as for any password change.
    """
    user.set_password(password)
    # The link was sent to the address on the account (Django's reset token covers the address, so a link
    # sent before the address changed is dead): following it proves the person reads that mailbox.
    user.email_verified = True
    user.save(update_fields=["password", "email_verified"])
    user_sessions_end(user=user, request=request)
    record_event(event=AuditEvent.Event.PASSWORD_RESET_COMPLETED, request=request, user=user)


def user_email_verification_send(*, user: User, request: HttpRequest) -> None:
    """Mail ``user`` a link that verifies their current address (sent after the response; see accounts.mail)."""
    path = reverse("email-verify", kwargs={"token": email_verification_token(user=user)})
    mail_send(
        to=user.email,
        subject_template="accounts/email_verification_subject.txt",
        body_template="accounts/email_verification_email.txt",
        context={
            "username": user.get_username(),
            "link": absolute_link(request=request, path=path),
            "hours": max(idp_settings.EMAIL_VERIFICATION_TIMEOUT // 3600, 1),
        },
        user_id=user.pk,
    )
    record_event(event=AuditEvent.Event.EMAIL_VERIFICATION_SENT, request=request, user=user)


@transaction.atomic
def user_email_verify(*, user: User, request: HttpRequest) -> None:
    """Mark ``user``'s current address verified (the email_verified claim); the caller checked the link."""
    user.email_verified = True
    user.save(update_fields=["email_verified"])
    record_event(event=AuditEvent.Event.EMAIL_VERIFIED, request=request, user=user)
