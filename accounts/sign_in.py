"""Sign-in with brute-force throttling: the login page, its form, the backend and the counting receivers.

The page says plainly when sign-in is paused ("Too many failed sign-in attempts. Try again in N
minutes.") and says it in exactly the same way for an unknown username and a wrong password: the
per-account counter is keyed on the typed name whether or not such an account exists (ASVS 5 V6.3.1,
V6.3.8). The backend enforces the same limits everywhere ``authenticate()`` is used (the admin's login,
the legacy password grant), where the generic "invalid credentials" answer is kept.
"""

import math
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.core.exceptions import PermissionDenied, ValidationError
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.utils.translation import ngettext

from provider.authentication import pending_reauthentications, restore_pending_reauthentications
from provider.throttling import login_failed, login_retry_after, login_succeeded


def throttled_message(seconds: int) -> str:
    """The sentence shown while sign-in is paused, in whole minutes rounded up."""
    minutes = max(math.ceil(seconds / 60), 1)
    return ngettext(
        "Too many failed sign-in attempts. Try again in %(minutes)d minute.",
        "Too many failed sign-in attempts. Try again in %(minutes)d minutes.",
        minutes,
    ) % {"minutes": minutes}


class ThrottledModelBackend(ModelBackend):
    """Django's ModelBackend that refuses, without checking the password, while the name or IP is blocked."""

    def authenticate(self, request: HttpRequest | None, username: str | None = None, password=None, **kwargs):
        if username is None:
            username = kwargs.get(get_user_model().USERNAME_FIELD)
        if username is not None and login_retry_after(username=username, request=request):
            # PermissionDenied stops authenticate() trying other backends and still sends user_login_failed.
            raise PermissionDenied
        return super().authenticate(request, username=username, password=password, **kwargs)


class ThrottledAuthenticationForm(AuthenticationForm):
    """The login form, answering "try again in N minutes" while the account name or the IP is blocked."""

    retry_after = 0

    def clean(self) -> dict[str, Any]:
        username = self.cleaned_data.get("username")
        if username is not None:
            self._raise_if_throttled(username)
        try:
            return super().clean()
        except ValidationError:
            # The failure that reaches the limit already gets the throttle message, not "wrong password".
            if username is not None:
                self._raise_if_throttled(username)
            raise

    def _raise_if_throttled(self, username: str) -> None:
        self.retry_after = login_retry_after(username=username, request=self.request)
        if self.retry_after:
            raise ValidationError(throttled_message(self.retry_after), code="throttled")


class SignInView(auth_views.LoginView):
    """Django's LoginView with the throttled form; a paused sign-in answers 429 with Retry-After."""

    form_class = ThrottledAuthenticationForm
    redirect_authenticated_user = False

    def form_valid(self, form: ThrottledAuthenticationForm) -> HttpResponse:
        # Signing in as another user flushes the session (django.contrib.auth.login); an authorization
        # request waiting for this sign-in (prompt=login, max_age=0: provider.authentication) still counts it.
        pending = pending_reauthentications(self.request)
        response = super().form_valid(form)
        restore_pending_reauthentications(self.request, pending)
        return response

    def form_invalid(self, form: ThrottledAuthenticationForm) -> HttpResponse:
        response = super().form_invalid(form)
        if form.retry_after:
            response.status_code = 429  # RFC 6585 §4
            response["Retry-After"] = str(form.retry_after)
        return response


@receiver(user_login_failed, dispatch_uid="throttle_count_login_failure")
def _count_login_failure(sender, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs) -> None:
    username = credentials.get(get_user_model().USERNAME_FIELD) or credentials.get("username")
    if username:
        login_failed(username=str(username), request=request)


@receiver(user_logged_in, dispatch_uid="throttle_clear_login_failures")
def _clear_login_failures(sender, request: HttpRequest, user, **kwargs) -> None:
    login_succeeded(username=user.get_username())
