"""Writes that change several models together for one user."""

from django.db import transaction
from oauth2_provider.models import get_access_token_model, get_grant_model, get_refresh_token_model

from accounts.models import User
from audit.models import AuditEvent
from audit.services import record_event
from consent.services import consent_forget


@transaction.atomic
def authorization_revoke(*, user, application) -> None:
    """Withdraw everything ``user`` granted ``application``: codes in flight, access and refresh tokens."""
    get_grant_model().objects.filter(user=user, application=application).delete()
    for refresh_token in get_refresh_token_model().objects.filter(
        user=user, application=application, revoked__isnull=True
    ):
        # RefreshToken.revoke() also deletes its access token, keeping the tombstone reuse detection needs.
        refresh_token.revoke()
    get_access_token_model().objects.filter(user=user, application=application).delete()
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
