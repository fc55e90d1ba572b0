"""THE revocation service: every path that ends tokens ends them here.

The revocation endpoint, a user withdrawing an app, an admin's "revoke" actions, deactivation and
password changes, a disabled client, a replayed code and a reused refresh token all call one of the
functions below, so each guarantees the same thing: the grant's codes, refresh tokens and access
tokens end together (RFC 7009 §2.1), spent refresh tokens stay as tombstones so reuse is still
detected (RFC 9700 §4.14.2), and a rotation racing the revocation cannot leave a live pair behind.
"""

import uuid
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from oauth2_provider.models import get_access_token_model, get_grant_model, get_refresh_token_model

from tokens.selectors import token_family_of


@transaction.atomic
def token_family_revoke(*, family_id: uuid.UUID) -> None:
    """Revoke every refresh token of the family and delete every access token issued from it.

    The family's rows are locked first, so a rotation in flight either finishes before this (and its
    new tokens are revoked by the statements below, which see them) or waits and then finds its
    refresh token revoked (tokens.issuance refuses it).
    """
    refresh_token_model = get_refresh_token_model()
    live = refresh_token_model.objects.select_for_update().filter(token_family=family_id)
    list(live.order_by("pk").values_list("pk", flat=True))
    refresh_token_model.revoke_family(family_id)
    # A client without the refresh grant got only an access token, which no refresh token points at.
    get_access_token_model().objects.filter(token_family_origin__id=family_id).delete()


@dataclass(frozen=True, slots=True)
class RevokedTokens:
    """How many of each ``tokens_revoke`` ended, for whoever reports it (an operator's command)."""

    codes: int
    access_tokens: int
    refresh_tokens: int


@transaction.atomic
def tokens_revoke(*, user=None, application=None) -> RevokedTokens:
    """Revoke every code, refresh token and access token of ``user``, of ``application``, or of both together.

    Refresh tokens are marked revoked (kept, so a stolen one presented later is recognised as reuse);
    codes and access tokens are deleted.
    """
    filters = {key: value for key, value in (("user", user), ("application", application)) if value is not None}
    if not filters:
        raise ValueError("tokens_revoke needs a user, an application or both.")
    refresh_token_model = get_refresh_token_model()
    grant_model, access_token_model = get_grant_model(), get_access_token_model()
    _, codes = grant_model.objects.filter(**filters).delete()
    # Lock, then update and delete in later statements: a rotation that held a lock commits first,
    # and its new rows are visible to those statements (READ COMMITTED takes a snapshot per statement).
    live = refresh_token_model.objects.select_for_update().filter(revoked__isnull=True, **filters)
    list(live.order_by("pk").values_list("pk", flat=True))
    now = timezone.now()
    live_refresh_tokens = refresh_token_model.objects.filter(revoked__isnull=True, **filters)
    refresh_tokens = live_refresh_tokens.update(revoked=now, updated=now)
    _, access_tokens = access_token_model.objects.filter(**filters).delete()
    # delete() counts per model, cascades included: take each model's own rows.
    return RevokedTokens(
        codes=codes.get(grant_model._meta.label, 0),
        access_tokens=access_tokens.get(access_token_model._meta.label, 0),
        refresh_tokens=refresh_tokens,
    )


def token_revoke(*, checksum: str, application) -> None:
    """Revoke the grant the token with ``checksum`` (``tokens.checksums.sha256_hex`` of its value) belongs to.

    The revocation endpoint (RFC 7009) passes what a client presents; the admin's actions the rows an
    admin picked.

    A token with lineage ends its whole family, even mid-rotation. One without (a client-credentials
    access token, or a chain issued before families were recorded) ends alone, with its bound refresh
    or access token. A token of another client, or none at all, is left alone: RFC 7009 §2.2 answers
    200 either way.
    """
    if getattr(application, "pk", None) is None:
        return
    family_id = token_family_of(checksum=checksum, application=application)
    if family_id is not None:
        token_family_revoke(family_id=family_id)
        return
    live = get_refresh_token_model().objects.filter(application=application, revoked__isnull=True)
    now = timezone.now()
    with transaction.atomic():
        presented = list(get_access_token_model().objects.filter(application=application, token_checksum=checksum))
        if presented:
            # An access token: the refresh token bound to it goes too; alone, it would mint a new one.
            live.filter(access_token__in=presented).update(revoked=now, updated=now, access_token=None)
        else:
            # A refresh token: its access token goes with it. Refresh tokens are kept, revoked, as tombstones.
            refresh_token = live.filter(token_checksum=checksum).select_related("access_token").first()
            if refresh_token is None:
                return
            live.filter(pk=refresh_token.pk).update(revoked=now, updated=now, access_token=None)
            presented = [refresh_token.access_token] if refresh_token.access_token is not None else []
        for access_token in presented:
            # The instance's own delete: token_cache's signal receivers forget it in this process at once.
            access_token.delete()
