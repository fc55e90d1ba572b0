"""Reads about token families and refresh tokens: which code started a family, when a chain started."""

import functools
import uuid
from datetime import datetime

from django.db import connections, router
from django.db.models import F, Min
from django.db.models.expressions import RawSQL
from oauth2_provider.models import get_access_token_model, get_refresh_token_model

from tokens.checksums import sha256_hex
from tokens.models import TokenFamily

_NOT_READ = object()


def token_family_for_code(*, code_checksum: str, application) -> TokenFamily | None:
    """The family the authorization code with this sha256 started, if this client redeemed it."""
    return TokenFamily.objects.filter(code_checksum=code_checksum, application=application).first()


def refresh_token_presented(*, raw_token: str, lock: bool):
    """The stored refresh token for ``raw_token``, with what validating a refresh needs, in one query.

    DOT's lookup (OAuth2Validator.validate_refresh_token): several rows may share a checksum, so the
    unrevoked one comes first, else the most recently revoked. Its user, its access token, its chain's
    start (``family_started_at``, see refresh_chain_started_at), the sign-in behind the chain
    (``family_auth_time``, tokens.auth_time), its session (``family_sid``), the scope it was granted
    (``family_scope``, RFC 6749 §6) and the DPoP key it is bound to (``family_dpop_jkt``, RFC 9449 §5)
    come in the same query. With ``lock`` the refresh token's row (only
    it: PostgreSQL refuses to lock the nullable side of the outer join to the access token) stays locked
    until the caller's transaction ends.
    """
    model = get_refresh_token_model()
    refresh_tokens = (
        model.objects.filter(token_checksum=sha256_hex(raw_token))
        .select_related("user", "access_token")
        .annotate(**_family_columns(router.db_for_read(model)))
        .order_by(F("revoked").desc(nulls_first=True))
    )
    if lock:
        of = ("self",) if connections[router.db_for_write(model)].features.has_select_for_update_of else ()
        refresh_tokens = refresh_tokens.select_for_update(of=of)
    return refresh_tokens.first()


# The refresh token's family, read beside it: annotation name -> TokenFamily column.
_FAMILY_COLUMNS = {
    "family_started_at": "started_at",
    "family_auth_time": "auth_time",
    "family_amr": "amr",
    "family_sid": "sid",
    "family_scope": "scope",
    "family_dpop_jkt": "dpop_jkt",
}


@functools.cache
def _family_columns(alias: str) -> dict[str, RawSQL]:
    """One scalar subquery per TokenFamily column, correlated on the refresh token's ``token_family``.

    The SQL Django's ``Subquery(TokenFamily.objects.filter(pk=OuterRef(...)).values(column)[:1])``
    compiles to, written out once: Django compiles six Subquery expressions anew on every refresh,
    which took about 0.8 ms of a refresh's CPU (longer than PostgreSQL takes to run the whole query),
    and a RawSQL expression costs nothing to compile. Each still has its model field as output field,
    so the values are converted as the ORM converts them (datetimes on SQLite, JSON).
    DOT's RefreshToken has no relation to TokenFamily that select_related could follow. Built once per
    database alias: ``annotate`` resolves a copy of each expression, never the one given.
    """
    quote = connections[alias].ops.quote_name
    family = TokenFamily._meta
    refresh_token = get_refresh_token_model()._meta
    outer = f"{quote(refresh_token.db_table)}.{quote(refresh_token.get_field('token_family').column)}"
    # Only table and column names from the models' own metadata, quoted by the backend; nothing from a request.
    select = f"SELECT {{}} FROM {quote(family.db_table)} WHERE {quote(family.pk.column)} = {outer}"  # noqa: S608
    return {
        name: RawSQL(  # noqa: S611
            select.format(quote(family.get_field(column).column)),
            (),
            output_field=family.get_field(column),
        )
        for name, column in _FAMILY_COLUMNS.items()
    }


def refresh_chain_started_at(*, refresh_token) -> datetime:
    """When the chain ``refresh_token`` belongs to was first issued, however often it was rotated."""
    if refresh_token.token_family is None:
        return refresh_token.created
    # refresh_token_presented() read it with the token; anyone else's instance costs a query.
    started = getattr(refresh_token, "family_started_at", _NOT_READ)
    if started is _NOT_READ:
        family = TokenFamily.objects.filter(pk=refresh_token.token_family)
        started = family.values_list("started_at", flat=True).first()
    if started is not None:
        return started
    # Chains issued before families were recorded: their oldest surviving refresh token is the best
    # (and, since clean-up only removes old rows, a never earlier than true) starting point.
    oldest = (
        get_refresh_token_model()
        .objects.filter(token_family=refresh_token.token_family)
        .aggregate(oldest=Min("created"))["oldest"]
    )
    return oldest or refresh_token.created


def token_family_of(*, checksum: str, application) -> uuid.UUID | None:
    """The refresh-token family the refresh or access token of ``application`` with ``checksum`` belongs to."""
    if getattr(application, "pk", None) is None:
        return None
    refresh_tokens = get_refresh_token_model().objects.filter(application=application, token_family__isnull=False)
    family = refresh_tokens.filter(token_checksum=checksum).values_list("token_family", flat=True).first()
    if family is None:
        family = (
            refresh_tokens.filter(access_token__token_checksum=checksum).values_list("token_family", flat=True).first()
        )
    return family


def live_token_type(*, raw_token: str, application) -> str:
    """'access_token' / 'refresh_token' when ``raw_token`` is a live token of ``application``, else ''."""
    if getattr(application, "pk", None) is None:
        return ""
    checksum = sha256_hex(raw_token)
    if get_access_token_model().objects.filter(token_checksum=checksum, application=application).exists():
        return "access_token"
    refresh_tokens = get_refresh_token_model().objects.filter(
        token_checksum=checksum, application=application, revoked__isnull=True
    )
    return "refresh_token" if refresh_tokens.exists() else ""
