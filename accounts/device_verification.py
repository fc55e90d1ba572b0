"""The pages a person uses to approve a device (RFC 8628 §3.3): enter the code, then allow or deny."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from oauth2_provider.scopes import get_scopes_backend
from oauth2_provider.views import DeviceConfirmView as DOTDeviceConfirmView
from oauth2_provider.views import DeviceUserCodeView as DOTDeviceUserCodeView
from oauth2_provider.views.device import DeviceGrantForm

from accounts.throttling import Limit, longest_retry_after, register_failure
from provider.client_address import client_address as client_ip

# What people type around a code read off a screen: spaces, a dash between the halves.
_CODE_SEPARATORS = str.maketrans("", "", " -\t")


def normalise_user_code(typed: str) -> str:
    """The user code as stored: DOT's codes are upper-case base32hex with no separator."""
    return typed.translate(_CODE_SEPARATORS).upper()


def device_code_limits() -> tuple[Limit, Limit]:
    """The per-user and per-IP limits on wrong user codes, read from settings at call time."""
    window = settings.LOGIN_FAILURE_WINDOW_SECONDS
    return (
        Limit("device-code:user", settings.DEVICE_CODE_MAX_FAILURES_PER_USER, window),
        Limit("device-code:ip", settings.DEVICE_CODE_MAX_FAILURES_PER_IP, window),
    )


class UserCodeForm(DeviceGrantForm):
    """DOT's user-code form, forgiving about case and separators (RFC 8628 §6.1: codes are for typing).

    Wrong codes are counted (RFC 8628 §5.1): a user code is short enough to guess, so once a user or an
    address has typed too many wrong ones the code is not even looked up until the window has passed.
    """

    def __init__(self, *args, request=None, **kwargs):
        self.request = request
        super().__init__(*args, **kwargs)

    def _subjects(self) -> list[tuple[Limit, str]]:
        user_limit, ip_limit = device_code_limits()
        return [(user_limit, str(self.request.user.pk)), (ip_limit, client_ip(self.request))]

    def clean_user_code(self) -> str:
        wait = longest_retry_after(*self._subjects())
        if wait:
            raise ValidationError(
                _("Too many wrong codes. Try again in %(minutes)d minutes.") % {"minutes": max(1, -(-wait // 60))},
                code="throttled",
            )
        self.cleaned_data["user_code"] = normalise_user_code(self.cleaned_data["user_code"])
        try:
            return super().clean_user_code()
        except ValidationError as error:
            if error.code == "incorrect_user_code":
                for limit, subject in self._subjects():
                    register_failure(limit, subject)
            raise


class DeviceUserCodeView(DOTDeviceUserCodeView):
    """Where the device sends the person; a prefilled ``?user_code=`` (verification_uri_complete) is kept."""

    form_class = UserCodeForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}


class DeviceConfirmView(DOTDeviceConfirmView):
    """DOT's allow/deny page with each scope paired with its description, as on the consent page."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        all_scopes = get_scopes_backend().get_all_scopes()
        context["scope_choices"] = [(scope, all_scopes.get(scope, scope)) for scope in context["scopes"]]
        return context
