"""The consent form: DOT's allow form plus one checkbox per requested scope, so the user can narrow the grant."""

from django import forms
from django.core import signing
from django.utils.translation import gettext_lazy as _
from oauth2_provider.forms import AllowForm
from oauth2_provider.scopes import get_scopes_backend

# Scopes the user cannot untick when the client asked for them: without ``openid`` an OpenID Connect
# sign-in is not a sign-in at all, so declining it means pressing Deny.
REQUIRED_SCOPES = frozenset({"openid"})


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
    """What the user approves: the requested scopes they leave ticked, never a scope the client did not ask for.

    The requested scopes travel in DOT's hidden ``scope`` field between the page and the POST. Signing
    that field (bound to the client) makes the list of choices trustworthy: a POST that edits it, or
    ticks a scope outside it, is refused rather than widening the grant.
    """

    scopes = forms.MultipleChoiceField(label=_("Permissions"), required=False, widget=ScopeCheckboxes)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.is_bound:
            self.requested_scopes = self._unsign_requested(self.data.get(self.add_prefix("scope"), ""))
        else:
            self.requested_scopes = (self.initial.get("scope") or "").split()
            self.initial["scope"] = self._signer(self.initial.get("client_id")).sign(" ".join(self.requested_scopes))
            self.initial["scopes"] = self.requested_scopes
        descriptions = get_scopes_backend().get_all_scopes()
        field = self.fields["scopes"]
        field.choices = [(scope, descriptions.get(scope, scope)) for scope in self.requested_scopes]
        field.widget.required_scopes = REQUIRED_SCOPES.intersection(self.requested_scopes)

    @staticmethod
    def _signer(client_id: str | None) -> signing.Signer:
        return signing.Signer(salt=f"consent.requested-scopes:{client_id or ''}")

    def _unsign_requested(self, signed: str) -> list[str]:
        try:
            return self._signer(self.data.get(self.add_prefix("client_id"))).unsign(signed).split()
        except signing.BadSignature:
            self.tampered = True
            return []

    def clean_scope(self) -> str:
        if getattr(self, "tampered", False):
            raise forms.ValidationError(_("The consent form was altered. Start again from the application."))
        return " ".join(self.requested_scopes)

    def clean_scopes(self) -> list[str]:
        """The approved scopes in the order they were requested, the required ones always included."""
        ticked = set(self.cleaned_data["scopes"]) | REQUIRED_SCOPES
        return [scope for scope in self.requested_scopes if scope in ticked]
