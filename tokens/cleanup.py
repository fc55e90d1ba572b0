"""Scheduled clean-up: DOT's expired-token sweep, plus the rows only this project keeps.

Everything is deleted in batches of CLEAR_EXPIRED_TOKENS_BATCH_SIZE primary keys, each batch its own
short statement, so a large table is never locked for the length of the whole sweep.
"""

import logging
from datetime import timedelta

from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from oauth2_provider.models import clear_expired, get_access_token_model, get_grant_model, get_refresh_token_model
from oauth2_provider.settings import oauth2_settings

from idp.settings import idp_settings
from provider.pushed_authorization import expired_pushed_requests
from tokens.models import DPoPBinding, GrantAuthentication, TokenFamily

log = logging.getLogger(__name__)


def expired_tokens_clear() -> dict[str, int]:
    """Delete expired codes and tokens (DOT), refresh chains past their absolute lifetime, spent families, the
    sign-in records of codes that are gone, DPoP bindings of tokens that are gone and pushed authorization
    requests no browser can use any more."""
    clear_expired()
    counts = {"refresh tokens past the absolute lifetime": _delete_in_batches(_past_absolute_lifetime())}
    counts["token families with no token left"] = _delete_in_batches(_spent_families())
    counts["sign-in records of codes that are gone"] = _delete_in_batches(_orphaned_grant_authentications())
    counts["DPoP bindings of access tokens that are gone"] = _delete_in_batches(_orphaned_dpop_bindings())
    counts["pushed authorization requests used or expired"] = _delete_in_batches(expired_pushed_requests())
    for what, count in counts.items():
        log.info("%s %s deleted", count, what)
    return counts


def _past_absolute_lifetime() -> QuerySet:
    lifetime = idp_settings.REFRESH_ABSOLUTE_SECONDS
    refresh_tokens = get_refresh_token_model().objects
    if not lifetime:
        return refresh_tokens.none()
    cutoff = timezone.now() - timedelta(seconds=lifetime)
    # These can never be used again (tokens.lifetimes); keeping them would only grow the table.
    return refresh_tokens.filter(token_family__in=TokenFamily.objects.filter(started_at__lte=cutoff).values("pk"))


def _spent_families() -> QuerySet:
    # A family is needed while any of its tokens exists: for the absolute lifetime of its refresh tokens
    # and to revoke its tokens on a code replay. Once none is left there is nothing to protect.
    # Deleting an access token leaves its id in first_access_token_id (tokens.models), so look the token up.
    family_refresh_tokens = get_refresh_token_model().objects.filter(token_family=OuterRef("pk"))
    first_access_token = get_access_token_model().objects.filter(pk=OuterRef("first_access_token_id"))
    return TokenFamily.objects.exclude(Exists(first_access_token)).exclude(Exists(family_refresh_tokens))


def _orphaned_grant_authentications() -> QuerySet:
    # Left behind when a code is redeemed or expires: its Grant row goes without a cascade (tokens.models).
    return GrantAuthentication.objects.exclude(Exists(get_grant_model().objects.filter(pk=OuterRef("pk"))))


def _orphaned_dpop_bindings() -> QuerySet:
    # Left behind when an access token is revoked or expires: it goes without a cascade (tokens.models).
    return DPoPBinding.objects.exclude(Exists(get_access_token_model().objects.filter(pk=OuterRef("pk"))))


def _delete_in_batches(queryset: QuerySet) -> int:
    batch_size = oauth2_settings.CLEAR_EXPIRED_TOKENS_BATCH_SIZE
    deleted = 0
    while True:
        batch = list(queryset.values_list("pk", flat=True)[:batch_size])
        if not batch:
            return deleted
        queryset.model.objects.filter(pk__in=batch).delete()
        deleted += len(batch)
