"""Revocation that spans several token models: one family, one user's tokens, one client's tokens."""

import uuid

from django.db import transaction
from django.utils import timezone
from oauth2_provider.models import get_access_token_model, get_grant_model, get_refresh_token_model


@transaction.atomic
def token_family_revoke(*, family_id: uuid.UUID) -> None:
    """Revoke every refresh token of the family and delete every access token issued from it.

    The family's rows are locked first, so a rotation in flight either finishes before this (and its
    new tokens are revoked by the statements below, which see them) or waits and then finds its
    refresh token revoked (tokens.issuance refuses it).
    """
    refresh_token_model = get_refresh_token_model()
    list(
        refresh_token_model.objects.select_for_update()
        .filter(token_family=family_id)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    refresh_token_model.revoke_family(family_id)
    # A client without the refresh grant got only an access token, which no refresh token points at.
    get_access_token_model().objects.filter(token_family_origin__id=family_id).delete()


@transaction.atomic
def user_tokens_revoke(*, user) -> None:
    """Revoke every code, refresh token and access token ``user`` holds, for every client."""
    _revoke(filters={"user": user})


@transaction.atomic
def application_tokens_revoke(*, application) -> None:
    """Revoke every code, refresh token and access token issued to ``application``."""
    _revoke(filters={"application": application})


def _revoke(*, filters: dict) -> None:
    refresh_token_model = get_refresh_token_model()
    get_grant_model().objects.filter(**filters).delete()
    # Lock, then update and delete in later statements: a rotation that held a lock commits first,
    # and its new rows are visible to those statements (READ COMMITTED takes a snapshot per statement).
    live = refresh_token_model.objects.select_for_update().filter(revoked__isnull=True, **filters)
    list(live.order_by("pk").values_list("pk", flat=True))
    now = timezone.now()
    refresh_token_model.objects.filter(revoked__isnull=True, **filters).update(revoked=now, updated=now)
    get_access_token_model().objects.filter(**filters).delete()
