"""OAuth clients as admins register them: several grant types and an allowed scope list per client."""

from django.conf import settings
from django.contrib.auth.hashers import identify_hasher
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from oauth2_provider.models import AbstractApplication

from clients.redirect_matching import redirect_uri_matches
from clients.redirect_uris import redirect_uri_problems
from clients.sealed_secrets import secret_seal
from idp.settings import idp_settings
from provider.client_jwks import jwks_problem, jwks_uri_problem


def _is_hashed(secret: str) -> bool:
    """Whether ``secret`` is a stored hash (DOT hashes a plain one when the client is saved)."""
    try:
        identify_hasher(secret)
    except ValueError:
        return False
    return True


class GrantType(models.TextChoices):
    """The grants an admin can give a client; the values match DOT's where DOT has one."""

    AUTHORIZATION_CODE = AbstractApplication.GRANT_AUTHORIZATION_CODE, _("Authorization code (with PKCE)")
    REFRESH_TOKEN = "refresh-token", _("Refresh token")
    CLIENT_CREDENTIALS = AbstractApplication.GRANT_CLIENT_CREDENTIALS, _("Client credentials (machine to machine)")
    DEVICE_CODE = AbstractApplication.GRANT_DEVICE_CODE, _("Device authorization (RFC 8628)")
    PASSWORD = (
        AbstractApplication.GRANT_PASSWORD,
        _("LEGACY: resource owner password (forbidden by RFC 9700 §2.4; only for a legacy client you cannot change)"),
    )


# The grant_type values of the token endpoint, mapped to the grant an admin must have given the client.
TOKEN_GRANT_TYPES = {
    "authorization_code": GrantType.AUTHORIZATION_CODE,
    "refresh_token": GrantType.REFRESH_TOKEN,
    "client_credentials": GrantType.CLIENT_CREDENTIALS,
    "urn:ietf:params:oauth:grant-type:device_code": GrantType.DEVICE_CODE,
    "password": GrantType.PASSWORD,
}

# Grants that need a browser redirect back to the client, hence registered redirect URIs.
REDIRECTING_GRANTS = {GrantType.AUTHORIZATION_CODE}
# Grants only a client that can keep a secret may use (RFC 6749 §4.4: client credentials).
CONFIDENTIAL_ONLY_GRANTS = {GrantType.CLIENT_CREDENTIALS, GrantType.PASSWORD}
# Longer would keep a stolen refresh token usable, unnoticed, for longer than a retry takes.
MAX_REFRESH_TOKEN_RETRY_SECONDS = 60


class AccessTokenFormat(models.TextChoices):
    """What a client's access tokens look like (docs/jwt-access-tokens.md)."""

    OPAQUE = "opaque", _("Opaque (a random string; resource servers ask /o/introspect/)")
    JWT = "jwt", _("JWT (RFC 9068; resource servers verify it offline against the JWKS)")


class TokenEndpointAuthMethod(models.TextChoices):
    """How a confidential client proves who it is at the token, revocation, introspection, PAR and device endpoints."""

    CLIENT_SECRET = "client_secret", _("Client secret (HTTP Basic or form body)")
    PRIVATE_KEY_JWT = "private_key_jwt", _("Signed JWT (private_key_jwt, RFC 7523): the client keeps a private key")
    CLIENT_SECRET_JWT = (
        "client_secret_jwt",
        _("JWT signed with the client secret (client_secret_jwt, HMAC): weaker, the secret is kept recoverable"),
    )


class Application(AbstractApplication):
    """A client of the provider. ``grant_types`` and ``allowed_scopes`` are the admin's whole say."""

    grant_types = models.JSONField(
        _("grant types"),
        default=list,
        blank=True,
        help_text=_("What this client may do at the token endpoint. Anything else gets unauthorized_client."),
    )
    # DOT's single-grant column, kept in step with ``grant_types`` by save(); admins never edit it.
    authorization_grant_type = models.CharField(
        _("main grant type"),
        max_length=44,
        choices=AbstractApplication.GRANT_TYPES,
        default=AbstractApplication.GRANT_AUTHORIZATION_CODE,
        editable=False,
    )
    allowed_scopes = models.JSONField(
        _("allowed scopes"),
        default=list,
        blank=True,
        help_text=_("Scopes this client may request. Anything else gets invalid_scope."),
    )
    is_active = models.BooleanField(
        _("active"),
        default=True,
        help_text=_(
            "Untick to disable the client at once: it cannot authenticate or obtain tokens, and the tokens "
            "it holds are revoked. Ticking it again does not bring them back."
        ),
    )

    access_token_format = models.CharField(
        _("access token format"),
        max_length=8,
        choices=AccessTokenFormat.choices,
        default=AccessTokenFormat.OPAQUE,
        help_text=_(
            "JWT access tokens can be checked by resource servers without asking the provider, so a revoked "
            "one stays usable there until it expires: give them a short lifetime."
        ),
    )
    jwt_access_token_lifetime = models.PositiveIntegerField(
        _("JWT access token lifetime (seconds)"),
        default=300,
        help_text=_(
            "How long this client's JWT access tokens are valid. Short, because offline verifiers cannot "
            "see a revocation before the token expires. Not used for opaque tokens."
        ),
    )

    require_mfa = models.BooleanField(
        _("require a second factor"),
        default=False,
        help_text=_(
            "Users must have signed in with a second factor (a code or a passkey) before this client gets a code: "
            "those signed in with a password alone are asked for one, those without one must enrol one first."
        ),
    )
    require_pushed_authorization_requests = models.BooleanField(
        _("require pushed authorization requests"),
        default=False,
        help_text=_(
            "The client must send its authorization requests to the pushed authorization request endpoint "
            "(RFC 9126) and only a request_uri through the browser, so no parameter can be read or changed "
            "on the way. Its other authorization requests are refused."
        ),
    )

    # RFC 9449 §5.2 client metadata of the same name (provider.dpop_binding).
    dpop_bound_access_tokens = models.BooleanField(
        _("require DPoP-bound access tokens"),
        default=False,
        help_text=_(
            "Every token request of this client must carry a DPoP proof (RFC 9449), so each access token it gets "
            "is bound to a key it holds and is useless to anyone who copies it. Requests without a proof are refused."
        ),
    )

    # RFC 9700 §4.14.2 makes a second use of a rotated refresh token a replay; this is the admin's way out of
    # it for clients whose responses can be lost (tokens.retry, provider.validator.validate_refresh_token).
    refresh_token_retry_seconds = models.PositiveSmallIntegerField(
        _("refresh token retry window (seconds)"),
        default=0,
        validators=[MaxValueValidator(MAX_REFRESH_TOKEN_RETRY_SECONDS)],
        help_text=_(
            "0, the default: a refresh token used a second time is a replay, and every token of its chain is "
            "revoked (RFC 9700). A few seconds lets a client whose refresh response was lost (a dropped "
            "connection, a server that failed mid-request) use its old refresh token once more, as long as the "
            "tokens it was exchanged for have not been used: those are revoked and a new pair is issued. A "
            "stolen token used in that window is then caught at the client's next refresh instead of at once. "
            "At most 60."
        ),
    )

    # OpenID Connect Back-Channel Logout 1.0 §2.2 (provider.backchannel_logout).
    backchannel_logout_uri = models.CharField(
        _("back-channel logout URI"),
        max_length=2000,
        blank=True,
        help_text=_(
            "Where the provider POSTs a signed logout token when a session this client holds tokens from ends. "
            "https (plain http only on loopback in development), no fragment. Empty: the client is not told."
        ),
    )
    backchannel_logout_session_required = models.BooleanField(
        _("back-channel logout names the session"),
        default=False,
        help_text=_("The client needs the session (sid) in every logout token; this provider always sends it."),
    )
    token_endpoint_auth_method = models.CharField(
        _("client authentication"),
        max_length=20,
        choices=TokenEndpointAuthMethod.choices,
        default=TokenEndpointAuthMethod.CLIENT_SECRET,
        help_text=_(
            "A private_key_jwt client signs a short-lived JWT with its own private key instead of sending a "
            "secret; its secret is then refused. Give its public keys below (a JWK set or a JWKS URI). "
            "client_secret_jwt is for clients that cannot hold a key pair: the secret is then stored encrypted "
            "as well as hashed, and is only accepted as the HMAC key of a signed JWT. Choose it when creating "
            "the client, or rotate the secret after choosing it."
        ),
    )
    # client_secret_jwt only (clients.sealed_secrets): the secret encrypted, since an HMAC needs the secret itself.
    client_secret_sealed = models.TextField(_("client secret (encrypted)"), blank=True, editable=False)
    jwks = models.JSONField(
        _("public keys (JWK set)"),
        default=dict,
        blank=True,
        help_text=_('The client\'s public signing keys, {"keys": [...]}. Never a private key.'),
    )
    jwks_uri = models.URLField(
        _("JWKS URI"),
        max_length=2000,
        blank=True,
        help_text=_(
            "Where the client publishes its public keys (https, public address). Used when no JWK set is given."
        ),
    )

    class Meta(AbstractApplication.Meta):
        swappable = "OAUTH2_PROVIDER_APPLICATION_MODEL"

    @property
    def issues_jwt_access_tokens(self) -> bool:
        return self.access_token_format == AccessTokenFormat.JWT

    def is_usable(self, request) -> bool:
        """A disabled client can do nothing: DOT asks this at client authentication and for every bearer token."""
        return self.is_active

    def redirect_uri_allowed(self, uri: str) -> bool:
        """Exact string match (clients.redirect_matching): DOT's check lowercases scheme and host."""
        return redirect_uri_matches(uri, self.redirect_uris.split())

    def post_logout_redirect_uri_allowed(self, uri: str) -> bool:
        """Exact string match, as for redirect URIs (OpenID Connect RP-Initiated Logout §3)."""
        return redirect_uri_matches(uri, self.post_logout_redirect_uris.split())

    def allows_grant_type(self, *grant_types: str) -> bool:
        """Whether any of ``grant_types`` (DOT's grant constants) was given to this client."""
        return any(grant in self.grant_types for grant in grant_types)

    def _sync_legacy_grant_column(self) -> None:
        # DOT still reads its single grant column in a few places (e.g. RP-initiated logout's token
        # clean-up), so keep it pointing at the client's main grant.
        main_grant = next((g for g in self.grant_types if g != GrantType.REFRESH_TOKEN), "")
        self.authorization_grant_type = main_grant or GrantType.AUTHORIZATION_CODE

    def save(self, *args, **kwargs):
        self._sync_legacy_grant_column()
        update_fields = kwargs.get("update_fields")
        if update_fields is None or "client_secret" in update_fields:
            self._seal_secret()
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "client_secret_sealed"}
        super().save(*args, **kwargs)

    def _seal_secret(self) -> None:
        """Keep the encrypted copy client_secret_jwt needs, and no copy for any other method.

        The plain secret exists only until DOT's ClientSecretField hashes it in this save (on creation and on
        rotation), so that is the one moment it can be sealed; a client switched to client_secret_jwt with
        a hashed secret has no copy until its secret is rotated (the admin says so).
        """
        if self.token_endpoint_auth_method != TokenEndpointAuthMethod.CLIENT_SECRET_JWT:
            self.client_secret_sealed = ""
        elif self.client_secret and not _is_hashed(self.client_secret):
            self.client_secret_sealed = secret_seal(plain=self.client_secret, client_id=self.client_id)

    def clean(self) -> None:
        """Check grants, scopes and redirect URIs, reporting each problem on its own field."""
        self._sync_legacy_grant_column()
        errors: dict[str, list] = {}
        try:
            super().clean()
        except ValidationError as exc:
            # Redirect URIs are checked below by our stricter rules; keep DOT's other findings.
            errors = {field: msgs for field, msgs in exc.message_dict.items() if field != "redirect_uris"}

        valid_grants = set(GrantType.values)
        unknown = [g for g in self.grant_types if g not in valid_grants]
        if unknown:
            errors.setdefault("grant_types", []).append(_("Unknown grant types: %s") % ", ".join(unknown))
        if not self.grant_types:
            errors.setdefault("grant_types", []).append(_("Give the client at least one grant type."))
        if self.client_type == self.CLIENT_PUBLIC:
            for grant in CONFIDENTIAL_ONLY_GRANTS.intersection(self.grant_types):
                errors.setdefault("grant_types", []).append(
                    _("A public client cannot use %s: it cannot keep a secret.") % GrantType(grant).label
                )
        if self.grant_types == [GrantType.REFRESH_TOKEN]:
            errors.setdefault("grant_types", []).append(_("Refresh token alone grants nothing; add a grant."))

        longest = idp_settings.JWT_ACCESS_TOKEN_MAX_SECONDS
        if not 1 <= self.jwt_access_token_lifetime <= longest:
            # Key rotation keeps a retired key published this long (provider.key_rotation): a longer-lived
            # JWT would outlive the key that verifies it.
            errors.setdefault("jwt_access_token_lifetime", []).append(
                _("Choose between 1 and %(longest)d seconds.") % {"longest": longest}
            )

        declared = settings.OAUTH2_PROVIDER["SCOPES"]
        undeclared = [s for s in self.allowed_scopes if s not in declared]
        if undeclared:
            errors.setdefault("allowed_scopes", []).append(_("Undeclared scopes: %s") % ", ".join(undeclared))

        public = self.client_type == self.CLIENT_PUBLIC
        allow_http = idp_settings.ALLOW_HTTP_LOOPBACK_FOR_CONFIDENTIAL
        for field in ("redirect_uris", "post_logout_redirect_uris"):
            for uri in getattr(self, field).split():
                for problem in redirect_uri_problems(uri, public_client=public, allow_http_loopback=allow_http):
                    errors.setdefault(field, []).append(problem)
        if self.backchannel_logout_uri:
            # Same rules as a confidential client's redirect URI: the provider itself sends to it.
            for problem in redirect_uri_problems(
                self.backchannel_logout_uri, public_client=False, allow_http_loopback=allow_http
            ):
                errors.setdefault("backchannel_logout_uri", []).append(problem)
        elif self.backchannel_logout_session_required:
            errors.setdefault("backchannel_logout_uri", []).append(
                _("Give the back-channel logout URI the session is to be sent to.")
            )
        errors_for_keys = self._client_key_problems()
        for field, problem in errors_for_keys:
            errors.setdefault(field, []).append(problem)
        if REDIRECTING_GRANTS.intersection(self.grant_types) and not self.redirect_uris.split():
            errors.setdefault("redirect_uris", []).append(
                _("The authorization code grant needs at least one redirect URI.")
            )
        if errors:
            raise ValidationError(errors)

    def _client_key_problems(self) -> list[tuple[str, str]]:
        """private_key_jwt needs a confidential client and exactly one source of public keys, each acceptable."""
        problems = []
        if self.jwks:
            problem = jwks_problem(self.jwks)
            if problem:
                problems.append(("jwks", problem))
        if self.jwks_uri:
            problem = jwks_uri_problem(self.jwks_uri)
            if problem:
                problems.append(("jwks_uri", problem))
        if self.token_endpoint_auth_method == TokenEndpointAuthMethod.PRIVATE_KEY_JWT:
            if self.client_type == self.CLIENT_PUBLIC:
                problems.append(("token_endpoint_auth_method", _("A public client does not authenticate.")))
            if bool(self.jwks) == bool(self.jwks_uri):
                problems.append(("jwks", _("Give either a JWK set or a JWKS URI (one of them) for private_key_jwt.")))
        if (
            self.token_endpoint_auth_method == TokenEndpointAuthMethod.CLIENT_SECRET_JWT
            and self.client_type == self.CLIENT_PUBLIC
        ):
            problems.append(("token_endpoint_auth_method", _("A public client has no secret to sign with.")))
        return problems

    @property
    def client_secret_jwt_pending(self) -> bool:
        """For client_secret_jwt but with no encrypted secret yet: it cannot authenticate until rotated."""
        return (
            self.token_endpoint_auth_method == TokenEndpointAuthMethod.CLIENT_SECRET_JWT
            and not self.client_secret_sealed
        )


class ClientSecretRotation(models.Model):
    """One rotation of a client's secret: who did it and when, and the replaced secret (hashed) while it lasts.

    The replaced secret keeps authenticating until ``expires_at`` or until an admin retires it, so a client
    can be redeployed with the new secret without downtime (DOT #1507). Rows are kept after that as the
    record of every rotation.
    """

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="secret_rotations")
    previous_secret = models.CharField(
        _("replaced secret (hashed)"), max_length=255, help_text=_("Never shown: only its hash is stored.")
    )
    # client_secret_jwt clients only: the replaced secret encrypted, to check HMACs made with it while it lasts.
    previous_secret_sealed = models.TextField(_("replaced secret (encrypted)"), blank=True, editable=False)
    rotated_at = models.DateTimeField(_("rotated at"), default=timezone.now)
    rotated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    expires_at = models.DateTimeField(_("replaced secret accepted until"))
    retired_at = models.DateTimeField(_("retired at"), null=True, blank=True)
    retired_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("client secret rotation")
        verbose_name_plural = _("client secret rotations")
        ordering = ["-rotated_at", "-pk"]
        indexes = [models.Index(fields=["application", "expires_at"], name="clients_rotation_live_idx")]

    def __str__(self) -> str:
        return f"{self.application} secret rotated {self.rotated_at:%Y-%m-%d %H:%M}"

    @property
    def previous_secret_accepted(self) -> bool:
        """Whether the replaced secret still authenticates."""
        return self.retired_at is None and self.expires_at > timezone.now()
