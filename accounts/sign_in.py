"""Sign-in: the login page and its form, which say plainly when sign-in is paused by a lockout.

Failures are counted and sign-in refused by django-axes (accounts.sign_in_lockout). This page only tells
the person: "Too many failed sign-in attempts. Try again in N minutes.", with 429 and Retry-After, and in
exactly the same way for an unknown username and a wrong password (ASVS 5 V6.3.1, V6.3.8). Elsewhere
``authenticate()`` is refused with the generic "invalid credentials" answer (the admin's login, the legacy
password grant). axes' middleware, which would replace those answers with its own page, is not installed.
"""

import math
from typing import Any

from django.contrib.auth import views as auth_views
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import ngettext

from accounts.mfa.policy import user_has_second_factor, user_must_use_second_factor
from accounts.mfa.sign_in import sign_in_pending
from accounts.sign_in_lockout import sign_in_retry_after
from provider.acr import AMR_PASSWORD
from provider.authentication import (
    pending_reauthentications,
    restore_pending_reauthentications,
    session_authenticated,
)
from provider.authorization_request import login_hint


def throttled_message(seconds: int) -> str:
    """The sentence shown while sign-in is paused, in whole minutes rounded up."""
    minutes = max(math.ceil(seconds / 60), 1)
    return ngettext(
        "Too many failed sign-in attempts. Try again in %(minutes)d minute.",
        "Too many failed sign-in attempts. Try again in %(minutes)d minutes.",
        minutes,
    ) % {"minutes": minutes}


class ThrottledModelBackend(ModelBackend):
    """Django's ModelBackend, listed after axes' backend, which does the refusing.

    It keeps its old name because a session stores the dotted path of the backend that signed it in, and
    Django treats a session whose path left AUTHENTICATION_BACKENDS as signed out: renaming it would sign
    everybody out at the next deployment.
    """


class ThrottledAuthenticationForm(AuthenticationForm):
    """The login form, answering "try again in N minutes" while the account name or the address is locked out."""

    retry_after = 0

    def clean(self) -> dict[str, Any]:
        username = self.cleaned_data.get("username")
        if username is not None:
            # Asked before authenticate(): a refused attempt checks no password and is not a failed sign-in.
            self._raise_if_locked_out(username)
        try:
            return super().clean()
        except ValidationError:
            # The failure that reaches the limit already gets the lockout message, not "wrong password".
            if username is not None:
                self._raise_if_locked_out(username)
            raise

    def _raise_if_locked_out(self, username: str) -> None:
        self.retry_after = sign_in_retry_after(request=self.request, username=username)
        if self.retry_after:
            raise ValidationError(throttled_message(self.retry_after), code="throttled")


def _with_next(url: str, next_url: str) -> str:
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


class SignInView(auth_views.LoginView):
    """Django's LoginView with the lockout-aware form; a paused sign-in answers 429 with Retry-After."""

    form_class = ThrottledAuthenticationForm
    redirect_authenticated_user = False

    def get_initial(self) -> dict[str, Any]:
        # OIDC Core §3.1.2.1 login_hint: the authorization request this page returns to may name the account.
        initial = super().get_initial()
        if self.request.method == "GET" and (hint := login_hint(self.request)):
            initial["username"] = hint
        return initial

    def form_valid(self, form: ThrottledAuthenticationForm) -> HttpResponse:
        user = form.get_user()
        next_url = self.get_redirect_url()
        if user_has_second_factor(user):
            # The password alone signs nobody in who has a second factor (accounts.mfa.sign_in).
            sign_in_pending(self.request, user=user)
            return redirect(_with_next(reverse("mfa-verify"), next_url))
        # Signing in as another user flushes the session (django.contrib.auth.login); an authorization
        # request waiting for this sign-in (prompt=login, max_age=0: provider.authentication) still counts it.
        pending = pending_reauthentications(self.request)
        response = super().form_valid(form)
        restore_pending_reauthentications(self.request, pending)
        session_authenticated(self.request, amr=[AMR_PASSWORD])
        if user_must_use_second_factor(user):
            # Required of this user but none enrolled: signed in with the password to enrol one, first.
            return redirect(_with_next(reverse("mfa-settings"), next_url))
        return response

    def form_invalid(self, form: ThrottledAuthenticationForm) -> HttpResponse:
        response = super().form_invalid(form)
        if form.retry_after:
            response.status_code = 429  # RFC 6585 §4
            response["Retry-After"] = str(form.retry_after)
        return response
