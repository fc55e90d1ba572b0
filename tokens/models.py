"""Where each chain of tokens came from, which DOT forgets once the authorization code is deleted."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from oauth2_provider.settings import oauth2_settings


class TokenFamily(models.Model):
    """One grant's chain of tokens: when it started and, for the code grant, which code started it.

    The primary key is DOT's ``RefreshToken.token_family`` when refresh tokens were issued, so the
    chain is found from any of its refresh tokens. Only a sha256 of the authorization code is kept:
    it is enough to recognise a replayed code and useless to anyone who reads the table.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    application = models.ForeignKey(
        oauth2_settings.APPLICATION_MODEL, on_delete=models.CASCADE, verbose_name=_("application")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, verbose_name=_("user")
    )
    grant_type = models.CharField(_("grant type"), max_length=64)
    # The absolute refresh lifetime counts from here, however often the chain is rotated.
    started_at = models.DateTimeField(_("started at"), default=timezone.now, db_index=True)
    # Only ever read as ``first_access_token_id`` (a join finds the row while it exists): no constraint and
    # no SET NULL, so revoking or rotating an access token deletes it without also updating a family row.
    # The id of a deleted token is never reused (auto-increment keys), so it cannot match a later token.
    first_access_token = models.OneToOneField(
        oauth2_settings.ACCESS_TOKEN_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="token_family_origin",
        verbose_name=_("first access token"),
    )
    code_checksum = models.CharField(_("authorization code sha256"), max_length=64, null=True, blank=True, unique=True)
    code_challenge_checksum = models.CharField(_("PKCE code challenge sha256"), max_length=64, blank=True)
    # The sign-in behind the grant, for every ID token of the chain: a refreshed one keeps the original
    # auth_time (OIDC Core §12.2). Empty for chains started before it was recorded, and for other grants.
    auth_time = models.DateTimeField(_("user signed in at"), null=True, blank=True)
    # How the user signed in (RFC 8176 ``amr`` values, provider.acr): the ID tokens' amr and acr.
    amr = models.JSONField(_("authentication methods"), default=list, blank=True)
    # The sign-in session behind the grant (accounts.sessions): every ID token of the chain names it as
    # ``sid``, and back-channel logout finds the clients to tell when that session ends.
    sid = models.CharField(_("session id (sid)"), max_length=64, blank=True, db_index=True)
    # The scope the grant first issued. RFC 6749 §6: a refresh may ask for less, and a later refresh for
    # anything up to this again, never more. DOT compares with the previous access token instead, so one
    # narrowing refresh lost the rest for good. Empty for chains started before it was recorded.
    scope = models.TextField(_("scope originally granted"), blank=True)
    # RFC 9449 §5: a public client's refresh tokens are bound to the DPoP key of the request that started the
    # chain (the RFC 7638 thumbprint); every refresh must prove that key. Empty: not bound (a confidential
    # client, whose refresh tokens its own authentication already constrains, or a chain started without DPoP).
    dpop_jkt = models.CharField(_("DPoP key thumbprint (jkt)"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("token family")
        verbose_name_plural = _("token families")

    def __str__(self) -> str:
        return f"Token family {self.pk}"


class GrantAuthentication(models.Model):
    """When the user behind an authorization code signed in (OIDC Core §2 ``auth_time``), kept beside DOT's Grant.

    DOT's Grant has no column for it and DOT reads ``user.last_login`` when the code is exchanged
    instead (provider.authentication says why that is wrong). The row is read with the Grant in the
    exchange's one query of it (provider.validator). Like TokenFamily.first_access_token: no constraint
    and no cascade, so consuming a code stays the single DELETE that claims it (tokens.issuance); a
    Grant's id is never reused, and the clean-up deletes rows whose code is gone (tokens.cleanup).
    """

    grant = models.OneToOneField(
        oauth2_settings.GRANT_MODEL,
        primary_key=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="authentication",
        verbose_name=_("authorization code"),
    )
    # Null only for a code whose sign-in moment is unknown but which is bound to a DPoP key (below).
    auth_time = models.DateTimeField(_("user signed in at"), null=True, blank=True)
    # How the user signed in (RFC 8176 ``amr`` values, provider.acr): the ID token's amr and acr.
    amr = models.JSONField(_("authentication methods"), default=list, blank=True)
    sid = models.CharField(_("session id (sid)"), max_length=64, blank=True)
    # RFC 9449 §10: the DPoP key thumbprint the authorization request bound the code to (dpop_jkt, or the key
    # of a proof sent to the PAR endpoint); the token request must prove that key. Empty: not bound.
    dpop_jkt = models.CharField(_("DPoP key thumbprint (jkt)"), max_length=64, blank=True)
    # Whether the authorization request named its redirect_uri: the token request must then repeat it
    # (RFC 6749 §4.1.3); one that left it out got the single registered URI (§3.1.2.3).
    redirect_uri_named = models.BooleanField(_("redirect URI named in the request"), default=True)

    class Meta:
        verbose_name = _("authorization code sign-in")
        verbose_name_plural = _("authorization code sign-ins")

    def __str__(self) -> str:
        return f"Sign-in behind grant {self.pk}"


class DPoPBinding(models.Model):
    """The DPoP key an access token is bound to (RFC 9449 §6): its RFC 7638 thumbprint, kept beside DOT's AccessToken.

    DOT's AccessToken has no column for it and is not swapped here. Written in the transaction that issues
    the token and never changed; read with the token in the one joined query that loads it
    (token_cache.selectors), so the per-process record carries it and a bound-token check costs nothing.
    Like GrantAuthentication: no constraint and no cascade, so revoking a token stays one DELETE without a
    second lookup; ids are never reused, and the clean-up deletes rows whose token is gone (tokens.cleanup).
    """

    access_token = models.OneToOneField(
        oauth2_settings.ACCESS_TOKEN_MODEL,
        primary_key=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="dpop_binding",
        verbose_name=_("access token"),
    )
    jkt = models.CharField(_("DPoP key thumbprint (jkt)"), max_length=64)

    class Meta:
        verbose_name = _("DPoP binding")
        verbose_name_plural = _("DPoP bindings")

    def __str__(self) -> str:
        return f"DPoP binding of access token {self.pk}"
