"""The consent form: DOT's allow form plus one checkbox per requested scope, so the user can narrow the grant."""

from django import forms
from django.core import signing
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from oauth2_provider.forms import AllowForm
from oauth2_provider.scopes import get_scopes_backend

# Scopes the user cannot untick when the client asked for them: without ``openid`` an OpenID Connect
# sign-in is not a sign-in at all, so declining it means pressing Deny.
REQUIRED_SCOPES = frozenset({"openid"})
# DOT's hidden fields: the validated authorization request, carried from the page to the POST.
REQUEST_FIELDS = (
    "client_id",
    "redirect_uri",
    "response_type",
    "state",
    "scope",
    "nonce",
    "code_challenge",
    "code_challenge_method",
    "claims",
    "resource",
)
SIGNING_SALT = "consent.authorization-request"
# A consent page older than this was not looked at just now: the user starts again from the client.
CONSENT_PAGE_MAX_AGE_SECONDS = 3600


class ScopeCheckboxes(forms.CheckboxSelectMultiple):
    """Checkboxes in which the required scopes are ticked and disabled; the form adds them back on submit."""

    required_scopes: frozenset[str] = frozenset()

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex=subindex, attrs=attrs)
        if value in self.required_scopes:
            option["attrs"] = {**option["attrs"], "checked": True, "disabled": True}
            option["required_scope"] = True
        return option


class ConsentForm(AllowForm):
    """What the user approves: the requested scopes they leave ticked, for the request the page was shown for.

    The page carries the authorization request oauthlib validated in DOT's hidden fields and, in
    ``authorization``, the same values signed together with the user they were shown to (and the
    view's ``context``: the original query, ``max_age`` and the path of a pushed request). A POST takes
    every value from the signed copy: one whose hidden fields differ from it (another redirect URI,
    client, state, PKCE challenge, nonce or scope list), that is posted to another query or pushed
    request than the page's, that ticks a scope outside it, or that another user sends, is refused rather
    than followed, so nothing posted can change where the user is sent or widen the grant.
    """

    scopes = forms.MultipleChoiceField(label=_("Permissions"), required=False, widget=ScopeCheckboxes)
    authorization = forms.CharField(widget=forms.HiddenInput)

    def __init__(
        self,
        *args,
        user,
        context: dict | None = None,
        posted_query: str = "",
        posted_pushed: int | None = None,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.user = user
        self.posted_query = posted_query
        self.posted_pushed = posted_pushed
        if self.is_bound:
            self.signed = self._unsign(self.data.get(self.add_prefix("authorization"), ""))
        else:
            self.signed = {
                **{name: self.initial.get(name) or "" for name in REQUEST_FIELDS},
                **(context or {}),
                "user": user.pk,
            }
            self.initial["authorization"] = signing.dumps(self.signed, salt=SIGNING_SALT, compress=True)
        self.requested_scopes = (self.signed or {}).get("scope", "").split()
        if not self.is_bound:
            self.initial["scopes"] = self.requested_scopes
        descriptions = get_scopes_backend().get_all_scopes()
        field = self.fields["scopes"]
        field.choices = [(scope, gettext(descriptions.get(scope, scope))) for scope in self.requested_scopes]
        field.widget.required_scopes = REQUIRED_SCOPES.intersection(self.requested_scopes)

    @staticmethod
    def _unsign(value: str) -> dict | None:
        try:
            signed = signing.loads(value, salt=SIGNING_SALT, max_age=CONSENT_PAGE_MAX_AGE_SECONDS)
        except signing.BadSignature:  # SignatureExpired included
            return None
        return signed if isinstance(signed, dict) else None

    def clean(self) -> dict:
        cleaned_data = super().clean()
        signed = self.signed
        altered = forms.ValidationError(
            _("The consent form was altered or has expired. Start again from the application."), code="altered"
        )
        if signed is None or signed.get("user") != self.user.pk:
            raise altered
        if self.posted_query and self.posted_query != signed.get("query"):
            raise altered
        if self.posted_pushed != signed.get("pushed"):
            raise altered
        for name in REQUEST_FIELDS:
            if (self.data.get(self.add_prefix(name)) or "") != signed.get(name, ""):
                raise altered
            cleaned_data[name] = signed[name]
        return cleaned_data

    def clean_scopes(self) -> list[str]:
        """The approved scopes in the order they were requested, the required ones always included."""
        ticked = set(self.cleaned_data["scopes"]) | REQUIRED_SCOPES
        return [scope for scope in self.requested_scopes if scope in ticked]
