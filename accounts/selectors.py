"""Reads scoped to one user: what they have authorized."""

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Q
from django.utils import timezone
from oauth2_provider.models import get_access_token_model, get_refresh_token_model

from clients.models import Application
from consent.models import Consent


@dataclass
class Authorization:
    """One application a user has authorized: the scopes its live tokens carry plus those the user approved."""

    application: Application
    scopes: list[str] = field(default_factory=list)
    authorized_at: datetime | None = None
    last_issued_at: datetime | None = None


def authorization_list(*, user) -> list[Authorization]:
    """Applications holding a live token for, or a remembered consent from, ``user``; most recently used first."""
    now = timezone.now()
    by_app: dict[int, Authorization] = {}
    access_tokens = (
        get_access_token_model()
        .objects.filter(user=user)
        .filter(Q(expires__gt=now) | Q(refresh_token__revoked__isnull=True, refresh_token__isnull=False))
        .select_related("application")
    )
    for token in access_tokens:
        entry = by_app.setdefault(token.application_id, Authorization(application=token.application))
        entry.scopes = sorted(set(entry.scopes) | set(token.scope.split()))
        entry.authorized_at = min(filter(None, [entry.authorized_at, token.created]))
        entry.last_issued_at = max(filter(None, [entry.last_issued_at, token.created]))
    refresh_only = (
        get_refresh_token_model()
        .objects.filter(user=user, revoked__isnull=True)
        .exclude(application_id__in=by_app.keys())
        .select_related("application")
    )
    for token in refresh_only:
        entry = by_app.setdefault(token.application_id, Authorization(application=token.application))
        entry.authorized_at = min(filter(None, [entry.authorized_at, token.created]))
        entry.last_issued_at = max(filter(None, [entry.last_issued_at, token.created]))
    # A remembered consent outlives its tokens and lets the client get new ones without asking, so an
    # app the user approved is listed (and revocable) even when none of its tokens is live.
    for consent in Consent.objects.filter(user=user).select_related("application"):
        entry = by_app.setdefault(consent.application_id, Authorization(application=consent.application))
        entry.scopes = sorted(set(entry.scopes) | set(consent.scopes))
        entry.authorized_at = min(filter(None, [entry.authorized_at, consent.created]))
    return sorted(by_app.values(), key=lambda a: a.last_issued_at or a.authorized_at or now, reverse=True)
