"""Writes that change several models together for one user."""

from django.db import transaction

from accounts.models import User
from audit.models import AuditEvent
from audit.services import record_event
from consent.services import consent_forget
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

    The revocation is done by tokens.receivers on this save, in the same transaction, so any other
    path that deactivates a user (admin form, shell) revokes too.
    """
    user.is_active = False
    user.save(update_fields=["is_active"])
