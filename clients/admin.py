"""Admin for OAuth clients and the tokens issued to them; wired into DOT by the *_ADMIN_CLASS settings."""

import json

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.template.response import TemplateResponse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from oauth2_provider import admin as dot_admin
from oauth2_provider.generators import generate_client_secret

from audit.admin_hooks import ClientAuditAdminMixin
from audit.models import AuditEvent
from audit.services import record_event
from clients.kinds import CLIENT_KINDS, kind_of
from clients.models import Application, GrantType
from clients.secret_rotation_admin import SecretRotationAdminMixin
from tokens.services import token_revoke

CUSTOM_KIND = "custom"


def kind_presets() -> dict[str, dict]:
    """What choosing each kind fills in on the form (static/js/client_kind.js reads it from the select)."""
    return {
        kind.name: {
            "client_type": kind.client_type,
            "grant_types": list(kind.grant_types),
            "allowed_scopes": list(kind.default_scopes),
            # OpenID clients sign ID tokens; the others have no use for an algorithm.
            "algorithm": Application.RS256_ALGORITHM if "openid" in kind.default_scopes else Application.NO_ALGORITHM,
        }
        for kind in CLIENT_KINDS.values()
    }


class ApplicationAdminForm(forms.ModelForm):
    """Grant types and scopes as checkboxes; the secret is never an editable field.

    ``kind`` is a starting point, not a stored field: choosing one fills in the fields below in the browser, and
    every field stays editable. A new client starts as a web app (the commonest), already an OpenID client.
    """

    kind = forms.ChoiceField(
        label=_("Kind"),
        required=False,
        help_text=_(
            "Pick what the client is: the client type, grant types, scopes and algorithm below are filled in "
            "to suit it. Change any of them afterwards; the kind itself is not stored."
        ),
    )
    grant_types = forms.MultipleChoiceField(
        label=_("Grant types"),
        choices=GrantType.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=Application._meta.get_field("grant_types").help_text,
    )
    allowed_scopes = forms.MultipleChoiceField(
        label=_("Allowed scopes"),
        choices=(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=Application._meta.get_field("allowed_scopes").help_text,
    )

    class Meta:
        model = Application
        fields = (
            "name",
            "client_type",
            "grant_types",
            "allowed_scopes",
            "redirect_uris",
            "post_logout_redirect_uris",
            "allowed_origins",
            "backchannel_logout_uri",
            "backchannel_logout_session_required",
            "algorithm",
            "access_token_format",
            "jwt_access_token_lifetime",
            "skip_authorization",
            "require_pushed_authorization_requests",
            "require_mfa",
            "dpop_bound_access_tokens",
            "refresh_token_retry_seconds",
            "token_endpoint_auth_method",
            "jwks",
            "jwks_uri",
            "is_active",
            "user",
        )
        labels = {"skip_authorization": _("Trusted first-party client (skips the consent page)")}
        help_texts = {
            "name": _("Shown to people on the consent page and in their list of authorized apps."),
            "client_type": _(
                "Confidential: runs on a server and keeps a secret (shown once after saving). Public: a single-page, "
                "native or device app that cannot keep one; it relies on PKCE."
            ),
            "algorithm": _(
                "RS256 for clients that sign people in with OpenID Connect (scope openid); "
                "no OIDC support for machines and resource servers."
            ),
            "allowed_origins": _("Only for browser apps calling the token endpoint directly (CORS), space separated."),
            "skip_authorization": _("Only for your own apps: people are never asked to consent."),
            "post_logout_redirect_uris": _(
                "Where RP-initiated logout may send people back to; same rules as redirect URIs."
            ),
            "redirect_uris": _(
                "Space separated, exact https URIs (plain http only on a loopback host for native apps). "
                "No fragments, wildcards or '..'. A client must send one of these exactly."
            ),
            "user": _("Optional owner of the client; leave empty for clients the provider operates."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        presets = kind_presets()
        self.fields["kind"].choices = [
            *((kind.name, f"{kind.name}: {kind.description}") for kind in CLIENT_KINDS.values()),
            (CUSTOM_KIND, _("custom: choose every field yourself")),
        ]
        self.fields["kind"].widget.attrs.update({"data-kind-presets": json.dumps(presets)})
        if self.instance.pk:
            self.fields["kind"].initial = kind_of(self.instance)
        else:
            # A blank add form shows the commonest kind filled in, so its algorithm is RS256 from the start.
            self.fields["kind"].initial = "web"
            for field, value in presets["web"].items():
                self.fields[field].initial = value
        # Read at form time so a test that overrides the scopes sees its own list.
        self.fields["allowed_scopes"].choices = [
            (scope, f"{scope}: {description}") for scope, description in settings.OAUTH2_PROVIDER["SCOPES"].items()
        ]
        # Not sent (a script's form data from before these fields existed): the client keeps what it has, and a
        # new one gets the defaults, opaque tokens. A blank value never turns a JWT client back to opaque.
        not_required = ("access_token_format", "jwt_access_token_lifetime", "token_endpoint_auth_method")
        for name in (*not_required, "refresh_token_retry_seconds"):
            self.fields[name].required = False

    def clean_token_endpoint_auth_method(self) -> str:
        return self.cleaned_data.get("token_endpoint_auth_method") or self.instance.token_endpoint_auth_method

    def clean_jwks(self) -> dict:
        # An empty box means "no inline keys" (the column holds {} then, never null).
        return self.cleaned_data.get("jwks") or {}

    def clean_access_token_format(self) -> str:
        return self.cleaned_data.get("access_token_format") or self.instance.access_token_format

    def clean_jwt_access_token_lifetime(self) -> int:
        value = self.cleaned_data.get("jwt_access_token_lifetime")
        return self.instance.jwt_access_token_lifetime if value is None else value

    def clean_refresh_token_retry_seconds(self) -> int:
        # Not sent, the client keeps its window (a new one: none); an empty box means no window.
        value = self.cleaned_data.get("refresh_token_retry_seconds")
        if value is None:
            return 0 if "refresh_token_retry_seconds" in self.data else self.instance.refresh_token_retry_seconds
        return value


class ApplicationAdmin(ClientAuditAdminMixin, SecretRotationAdminMixin, admin.ModelAdmin):
    """Clients are created here; the plain secret is shown once, on the page after creation (and after a rotation)."""

    form = ApplicationAdminForm
    # DOT's get_absolute_url points at its self-service pages, which are not mounted: "View on site" would 500.
    view_on_site = False
    # Kind stands for client type and grants in one word; the grants column says which, in short.
    list_display = ("name", "client_id", "kind", "grant_list", "trusted", "is_active", "created")
    list_filter = ("client_type", "access_token_format", "skip_authorization", "is_active")
    search_fields = ("name", "client_id")
    readonly_fields = ("client_id", "created", "updated")
    raw_id_fields = ("user",)
    radio_fields = {"client_type": admin.HORIZONTAL, "access_token_format": admin.VERTICAL}

    class Media:
        css = {"all": ["css/admin_client_form.css"]}
        js = ["js/client_kind.js"]

    def get_fieldsets(self, request, obj=None):
        # The mixins add fieldsets of their own (named); the flat, unnamed list of fields is replaced by these groups.
        added = [fieldset for fieldset in super().get_fieldsets(request, obj) if fieldset[0] is not None]
        identity = ["client_id", "name", "kind"] if obj else ["name", "kind"]
        return [
            (None, {"fields": identity}),
            (_("What it may do"), {"fields": ["client_type", "grant_types", "allowed_scopes"]}),
            (
                _("Where it sends people"),
                {
                    "fields": [
                        "redirect_uris",
                        "post_logout_redirect_uris",
                        "allowed_origins",
                        "backchannel_logout_uri",
                        "backchannel_logout_session_required",
                    ],
                    "description": _("Not needed by machines, resource servers and device apps."),
                },
            ),
            (_("Tokens"), {"fields": ["algorithm", "access_token_format", "jwt_access_token_lifetime"]}),
            (
                _("How it authenticates"),
                {
                    "fields": ["token_endpoint_auth_method", "jwks", "jwks_uri"],
                    "description": _(
                        "Confidential clients only. Public keys for private_key_jwt, never private ones. "
                        "client_secret_jwt keeps the secret encrypted (not only hashed): choose it only for a "
                        "client that cannot hold a key pair."
                    ),
                },
            ),
            (
                _("Trust and status"),
                {
                    "fields": [
                        "skip_authorization",
                        "require_pushed_authorization_requests",
                        "require_mfa",
                        "dpop_bound_access_tokens",
                        "refresh_token_retry_seconds",
                        "is_active",
                        "user",
                    ]
                },
            ),
            *added,
        ]

    @admin.display(description=_("kind"))
    def kind(self, obj: Application) -> str:
        return kind_of(obj)

    @admin.display(description=_("trusted"), boolean=True, ordering="skip_authorization")
    def trusted(self, obj: Application) -> bool:
        return obj.skip_authorization

    @admin.display(description=_("grants"))
    def grant_list(self, obj: Application) -> str:
        return ", ".join(GrantType(g).label.split(" (")[0] for g in obj.grant_types if g in GrantType.values)

    def save_model(self, request, obj, form, change):
        if not change:
            plain = generate_client_secret() if obj.client_type == Application.CLIENT_CONFIDENTIAL else ""
            obj.client_secret = plain
            # Kept on the request only, for the one page that shows it; never logged, stored or messaged.
            request._new_client_secret = plain
        super().save_model(request, obj, form, change)
        if obj.client_secret_jwt_pending:
            # Only a hash of the current secret exists, and an HMAC needs the secret itself.
            messages.warning(
                request,
                _(
                    "This client now authenticates with client_secret_jwt but its secret is stored only as a "
                    "hash: rotate it (Generate new secret, at the top of this page) so that the new one is kept "
                    "encrypted; until then it cannot authenticate."
                ),
            )

    def response_add(self, request, obj, post_url_continue=None):
        """Show the new client's credentials once instead of redirecting to the change list."""
        context = {
            **self.admin_site.each_context(request),
            "title": _("Client created"),
            "application": obj,
            "client_secret": getattr(request, "_new_client_secret", ""),
            "opts": self.model._meta,
        }
        response = TemplateResponse(request, "admin/clients/application/credentials_once.html", context)
        # The page holds a plain secret: no cache (browser, proxy or back button) may keep a copy.
        add_never_cache_headers(response)
        return response


class _ChecksumMaskMixin(admin.ModelAdmin):
    """Tokens are stored hashed (RFC 9700), so identify a row by a short prefix of its checksum.

    Revoking from the list goes through the revocation service like every other path, so an admin's
    revocation ends the token's whole grant (its family), not only the row picked.
    """

    @admin.display(description=_("token"))
    def masked_token(self, obj):
        return f"sha256:{obj.token_checksum[:8]}…" if obj is not None and obj.token_checksum else ""

    @admin.action(description=_("Revoke the selected tokens and their grants"))
    def revoke_tokens(self, request, queryset):
        rows = list(queryset.select_related("application"))
        for row in rows:
            token_revoke(checksum=row.token_checksum, application=row.application)
        record_event(event=AuditEvent.Event.TOKEN_REVOKED, request=request, reason="admin", count=len(rows))
        self.message_user(
            request,
            ngettext("Revoked %d token and its grant.", "Revoked %d tokens and their grants.", len(rows)) % len(rows),
        )


class AccessTokenAdmin(_ChecksumMaskMixin, dot_admin.AccessTokenAdmin):
    """Access tokens, masked, revocable, never editable."""

    list_display = ("pk", "masked_token", "user", "application", "scope", "expires")
    list_filter = ("application", "expires")

    def has_change_permission(self, request, obj=None):
        return False


class RefreshTokenAdmin(_ChecksumMaskMixin, dot_admin.RefreshTokenAdmin):
    """Refresh tokens, masked, revocable, never editable."""

    list_display = ("pk", "masked_token", "user", "application", "created", "revoked")
    list_filter = ("application", "revoked")

    def has_change_permission(self, request, obj=None):
        return False


class GrantAdmin(dot_admin.GrantAdmin):
    """Authorization codes in flight, masked and read-only."""

    def has_change_permission(self, request, obj=None):
        return False


class IDTokenAdmin(dot_admin.IDTokenAdmin):
    """ID tokens issued (their claims are not stored, only their jti)."""

    def has_change_permission(self, request, obj=None):
        return False
