"""The pages a person uses to approve a device (RFC 8628 §3.3): enter the code, then allow or deny."""

from oauth2_provider.scopes import get_scopes_backend
from oauth2_provider.views import DeviceConfirmView as DOTDeviceConfirmView
from oauth2_provider.views import DeviceUserCodeView as DOTDeviceUserCodeView
from oauth2_provider.views.device import DeviceGrantForm

# What people type around a code read off a screen: spaces, a dash between the halves.
_CODE_SEPARATORS = str.maketrans("", "", " -\t")


def normalise_user_code(typed: str) -> str:
    """The user code as stored: DOT's codes are upper-case base32hex with no separator."""
    return typed.translate(_CODE_SEPARATORS).upper()


class UserCodeForm(DeviceGrantForm):
    """DOT's user-code form, forgiving about case and separators (RFC 8628 §6.1: codes are for typing)."""

    def clean_user_code(self) -> str:
        self.cleaned_data["user_code"] = normalise_user_code(self.cleaned_data["user_code"])
        return super().clean_user_code()


class DeviceUserCodeView(DOTDeviceUserCodeView):
    """Where the device sends the person; a prefilled ``?user_code=`` (verification_uri_complete) is kept."""

    form_class = UserCodeForm


class DeviceConfirmView(DOTDeviceConfirmView):
    """DOT's allow/deny page with each scope paired with its description, as on the consent page."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        all_scopes = get_scopes_backend().get_all_scopes()
        context["scope_choices"] = [(scope, all_scopes.get(scope, scope)) for scope in context["scopes"]]
        return context
