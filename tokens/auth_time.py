"""The sign-in behind each authorization code and token family: the ID token's ``auth_time`` (OIDC Core §2).

provider.authentication records the moment in the session; the validator stores it with the code
when the code is issued, reads it back with the code at the exchange, and tokens.issuance keeps it
on the family for every ID token a refresh issues later (OIDC Core §12.2).
"""

from datetime import datetime

from oauth2_provider.models import AbstractGrant

from tokens.models import GrantAuthentication


def grant_authentication_record(
    *,
    grant: AbstractGrant,
    auth_time: datetime | None,
    sid: str | None,
    amr: list[str] | None = None,
    redirect_uri_named: bool = True,
    dpop_jkt: str = "",
) -> None:
    """Remember when, how and in which session the user behind ``grant`` signed in (nothing when not known).

    And whether the authorization request named its redirect_uri, which the exchange must then repeat, and
    the DPoP key it bound the code to (RFC 9449 §10), which is recorded even when the sign-in moment is not:
    a binding must never be dropped.
    """
    if auth_time is not None or dpop_jkt:
        GrantAuthentication.objects.create(
            grant=grant,
            auth_time=auth_time,
            sid=sid or "",
            amr=list(amr or []),
            redirect_uri_named=redirect_uri_named,
            dpop_jkt=dpop_jkt,
        )


def grant_sid(*, grant: AbstractGrant) -> str:
    """The sign-in session (accounts.sessions) behind ``grant``: the ID token's ``sid`` ("" when unknown)."""
    try:
        return grant.authentication.sid
    except GrantAuthentication.DoesNotExist:
        return ""


def grant_auth_time(*, grant: AbstractGrant) -> datetime | None:
    """When the user behind ``grant`` signed in; read with the Grant when it was loaded with ``authentication``."""
    try:
        return grant.authentication.auth_time
    except GrantAuthentication.DoesNotExist:
        return None


def grant_amr(*, grant: AbstractGrant) -> list[str]:
    """How the user behind ``grant`` signed in (RFC 8176 values; empty when not recorded)."""
    try:
        return list(grant.authentication.amr or [])
    except GrantAuthentication.DoesNotExist:
        return []


def grant_dpop_jkt(*, grant: AbstractGrant) -> str:
    """The DPoP key thumbprint the authorization request bound ``grant`` to (RFC 9449 §10); "" when not bound."""
    try:
        return grant.authentication.dpop_jkt
    except GrantAuthentication.DoesNotExist:
        return ""


def grant_redirect_uri_named(*, grant: AbstractGrant) -> bool:
    """Whether the authorization request behind ``grant`` named its redirect_uri (True when not recorded: strict)."""
    try:
        return grant.authentication.redirect_uri_named
    except GrantAuthentication.DoesNotExist:
        return True
