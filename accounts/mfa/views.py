"""The second-factor pages: the sign-in step (and step-up), the account's MFA section (enrol, codes, remove),
and passkeys: their options for the page's script, registration, removal and the passwordless sign-in."""

import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import JsonResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache

from accounts.mfa.models import Passkey
from accounts.mfa.passkeys import (
    PASSWORDLESS,
    SECOND_FACTOR,
    PasskeyError,
    passkey_authenticate,
    passkey_authentication_options,
    passkey_register,
    passkey_registration_options,
    passkey_remove,
)
from accounts.mfa.policy import user_must_use_second_factor
from accounts.mfa.recovery_codes import (
    recovery_code_use,
    recovery_codes_generate,
    recovery_codes_left,
    recovery_codes_remove,
)
from accounts.mfa.sign_in import (
    passwordless_signed_in,
    recent_second_factor,
    second_factor_passed,
    second_factor_subject,
)
from accounts.mfa.throttling import mfa_code_accepted, mfa_code_failed, mfa_retry_after, retry_message
from accounts.mfa.totp import (
    looks_like_totp,
    totp_device,
    totp_enrolment_confirm,
    totp_enrolment_start,
    totp_qr_svg,
    totp_remove,
    totp_secret,
    totp_verify,
)
from accounts.sign_in import ThrottledAuthenticationForm
from provider.acr import AMR_MFA, AMR_OTP

log = logging.getLogger(__name__)
# A passkey is removed without the password again only within this long of a second factor (or step-up).
REMOVAL_FRESH_SECONDS = 300


def _next_url(request) -> str:
    """Where to go once done: a local ``next`` only (no open redirect), else the account's MFA page."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return ""


def _code(request) -> str:
    return "".join((request.POST.get("code") or "").split())


@method_decorator(never_cache, name="dispatch")
class SecondFactorView(View):
    """The sign-in's second step (and step-up): a TOTP or recovery code, or a passkey; throttled."""

    template_name = "accounts/mfa/verify.html"

    def get(self, request):
        user = second_factor_subject(request)
        if user is None:
            return redirect(f"{resolve_url(settings.LOGIN_URL)}?{request.GET.urlencode()}")
        return self._page(request, user)

    def post(self, request):
        user = second_factor_subject(request)
        if user is None:
            return redirect(resolve_url(settings.LOGIN_URL))
        wait = mfa_retry_after(request=request, user=user)
        if wait:
            return self._page(request, user, error=retry_message(wait), status=429, retry_after=wait)
        if request.POST.get("credential"):
            return self._passkey(request, user)
        code = _code(request)
        device = totp_device(user=user)
        if looks_like_totp(code):
            accepted = device is not None and totp_verify(device=device, code=code)
        else:
            accepted = recovery_code_use(user=user, code=code, request=request)
        if not accepted:
            mfa_code_failed(request=request, user=user)
            return self._page(request, user, error=_("That code is not right, or was already used."), status=400)
        mfa_code_accepted(user=user)
        second_factor_passed(request, user=user, methods=[AMR_OTP])
        if not looks_like_totp(code):
            left = recovery_codes_left(user=user)
            messages.warning(
                request,
                _("You used a recovery code; %(left)d are left. Make new ones if few remain.") % {"left": left},
            )
        return redirect(_next_url(request) or resolve_url(settings.LOGIN_REDIRECT_URL))

    def _passkey(self, request, user):
        try:
            use = passkey_authenticate(
                request, ceremony=SECOND_FACTOR, credential=request.POST["credential"], user=user
            )
        except PasskeyError as error:
            log.info("Passkey refused as a second factor for user %s: %s", user.pk, error.reason)
            mfa_code_failed(request=request, user=user)
            return self._page(request, user, error=error.message, status=400)
        mfa_code_accepted(user=user)
        second_factor_passed(request, user=user, methods=use.methods)
        return redirect(_next_url(request) or resolve_url(settings.LOGIN_REDIRECT_URL))

    def _page(self, request, user, *, error: str = "", status: int = 200, retry_after: int = 0):
        context = {
            "error": error,
            "next": _next_url(request),
            "has_totp": totp_device(user=user) is not None,
            "has_passkey": Passkey.objects.filter(user=user).exists(),
        }
        response = render(request, self.template_name, context, status=status)
        if retry_after:
            response["Retry-After"] = str(retry_after)
        return response


@method_decorator(never_cache, name="dispatch")
class MfaSettingsView(LoginRequiredMixin, View):
    """The account's two-step sign-in section: what is enrolled, and the buttons to add, renew or remove."""

    def get(self, request):
        return mfa_settings_page(request)


def mfa_settings_page(request, *, passkey_error: str = "", totp_error: str = "", status: int = 200):
    user = request.user
    context = {
        "totp": totp_device(user=user),
        "passkeys": Passkey.objects.filter(user=user).order_by("created"),
        "recovery_codes_left": recovery_codes_left(user=user),
        "required": user_must_use_second_factor(user),
        "removal_needs_password": not recent_second_factor(request, within=REMOVAL_FRESH_SECONDS),
        "passkey_error": passkey_error,
        "totp_error": totp_error,
        "next": _next_url(request),
    }
    return render(request, "accounts/mfa/settings.html", context, status=status)


@method_decorator(never_cache, name="dispatch")
class TotpSetupView(LoginRequiredMixin, View):
    """Enrol an authenticator app: a QR code (and the secret typed out), confirmed by a first code."""

    template_name = "accounts/mfa/totp_setup.html"

    def get(self, request):
        return self._page(request, totp_enrolment_start(user=request.user))

    def post(self, request):
        user = request.user
        device = totp_enrolment_start(user=user)
        wait = mfa_retry_after(request=request, user=user)
        if wait:
            return self._page(request, device, error=retry_message(wait), status=429)
        if not totp_enrolment_confirm(user=user, device=device, code=_code(request), request=request):
            mfa_code_failed(request=request, user=user)
            return self._page(
                request, device, error=_("That code is not right. Check the app and try again."), status=400
            )
        mfa_code_accepted(user=user)
        # Proving the new factor with its first code is a second factor for this session too.
        second_factor_passed(request, user=user, methods=[AMR_OTP])
        if recovery_codes_left(user=user) == 0:
            return _show_recovery_codes(
                request,
                recovery_codes_generate(user=user, request=request),
                done=_("Your authenticator app is set up."),
            )
        messages.success(request, _("Your authenticator app is set up."))
        return redirect(_next_url(request) or reverse("mfa-settings"))

    def _page(self, request, device, *, error: str = "", status: int = 200):
        context = {
            "qr_svg": totp_qr_svg(device),
            "secret": totp_secret(device),
            "error": error,
            "next": _next_url(request),
        }
        return render(request, self.template_name, context, status=status)


def _show_recovery_codes(request, codes: list[str], *, done: str = ""):
    context = {"codes": codes, "done": done, "next": _next_url(request) or reverse("mfa-settings")}
    return render(request, "accounts/mfa/recovery_codes.html", context)


@method_decorator(never_cache, name="dispatch")
class RecoveryCodesView(LoginRequiredMixin, View):
    """Make a new set of recovery codes (the old set stops working) and show them, once."""

    http_method_names = ["post"]

    def post(self, request):
        return _show_recovery_codes(request, recovery_codes_generate(user=request.user, request=request))


def _removal_refused(request, user, *, error_for: str):
    """The page refusing to remove a second factor, or None when the removal may go ahead.

    It may when the session gave a second factor in the last REMOVAL_FRESH_SECONDS, or the request carries
    the user's password: either stops whoever finds a signed-in browser from quietly taking a factor away.
    A wrong password counts as a wrong code (accounts.mfa.throttling). ``error_for`` names the page section
    ("totp" or "passkey") the refusal is shown in.
    """
    if recent_second_factor(request, within=REMOVAL_FRESH_SECONDS):
        return None
    wait = mfa_retry_after(request=request, user=user)
    if wait:
        return mfa_settings_page(request, **{f"{error_for}_error": retry_message(wait)}, status=429)
    if not user.check_password(request.POST.get("password", "")):
        mfa_code_failed(request=request, user=user)
        error = _("That password is not right. Nothing was removed.")
        return mfa_settings_page(request, **{f"{error_for}_error": error}, status=400)
    return None


class TotpRemoveView(LoginRequiredMixin, View):
    """Remove the authenticator app (and the recovery codes, when no passkey is left either).

    With the password, unless a second factor was given in the last minutes (as for a passkey).
    """

    http_method_names = ["post"]

    def post(self, request):
        refusal = _removal_refused(request, request.user, error_for="totp")
        if refusal is not None:
            return refusal
        totp_remove(user=request.user, request=request)
        if not Passkey.objects.filter(user=request.user).exists():
            recovery_codes_remove(user=request.user)
        messages.success(request, _("The authenticator app was removed."))
        return redirect("mfa-settings")


def _options_response(request, build, *, user):
    """Options for the page's script as JSON, or its refusal as {"error"} (shown on the page as is)."""
    wait = mfa_retry_after(request=request, user=user)
    if wait:
        response = JsonResponse({"error": retry_message(wait)}, status=429)
        response["Retry-After"] = str(wait)
        return response
    return JsonResponse(build())


@method_decorator(never_cache, name="dispatch")
class PasskeyRegistrationOptionsView(LoginRequiredMixin, View):
    """The creation options for a new passkey of the signed-in user (POST: it starts a ceremony)."""

    http_method_names = ["post"]

    def post(self, request):
        return _options_response(
            request, lambda: passkey_registration_options(request, user=request.user), user=request.user
        )


@method_decorator(never_cache, name="dispatch")
class PasskeyRegisterView(LoginRequiredMixin, View):
    """Store the passkey the browser made from the options; the first second factor also brings recovery codes."""

    http_method_names = ["post"]

    def post(self, request):
        user = request.user
        try:
            use = passkey_register(
                request, user=user, credential=request.POST.get("credential", ""), name=request.POST.get("name", "")
            )
        except PasskeyError as error:
            log.info("Passkey registration refused for user %s: %s", user.pk, error.reason)
            return mfa_settings_page(request, passkey_error=error.message, status=400)
        # Proving the new factor by using it is a second factor for this session too (as a TOTP app's first code).
        second_factor_passed(request, user=user, methods=use.methods)
        done = _("Your passkey “%(name)s” is added.") % {"name": use.passkey.name}
        if recovery_codes_left(user=user) == 0:
            return _show_recovery_codes(request, recovery_codes_generate(user=user, request=request), done=done)
        messages.success(request, done)
        return redirect(_next_url(request) or reverse("mfa-settings"))


class PasskeyRemoveView(LoginRequiredMixin, View):
    """Remove one of the user's passkeys: with the password, unless a second factor was given in the last minutes.

    The password (or a fresh factor) stops whoever finds a signed-in browser from quietly taking a factor away.
    """

    http_method_names = ["post"]

    def post(self, request, pk: int):
        user = request.user
        refusal = _removal_refused(request, user, error_for="passkey")
        if refusal is not None:
            return refusal
        removed = passkey_remove(request=request, user=user, passkey_id=pk)
        if removed is None:
            return redirect("mfa-settings")
        if totp_device(user=user) is None and not Passkey.objects.filter(user=user).exists():
            recovery_codes_remove(user=user)
        messages.success(request, _("The passkey “%(name)s” was removed.") % {"name": removed.name})
        return redirect("mfa-settings")


@method_decorator(never_cache, name="dispatch")
class SecondFactorPasskeyOptionsView(View):
    """The request options for the second-factor page: the pending (or signed-in) user's passkeys."""

    http_method_names = ["post"]

    def post(self, request):
        user = second_factor_subject(request)
        if user is None:
            return JsonResponse({"error": _("Sign in with your password first.")}, status=403)
        return _options_response(
            request, lambda: passkey_authentication_options(request, ceremony=SECOND_FACTOR, user=user), user=user
        )


@method_decorator(never_cache, name="dispatch")
class PasskeySignInOptionsView(View):
    """The request options for a passwordless sign-in: no account named, any passkey of this site."""

    http_method_names = ["post"]

    def post(self, request):
        return _options_response(
            request, lambda: passkey_authentication_options(request, ceremony=PASSWORDLESS), user=None
        )


@method_decorator(never_cache, name="dispatch")
class PasskeySignInView(View):
    """Sign in with a passkey alone: the authenticator verified the user, so this is multi-factor (RFC 8176)."""

    http_method_names = ["post"]

    def post(self, request):
        wait = mfa_retry_after(request=request, user=None)
        if wait:
            response = self._refused(request, retry_message(wait), status=429)
            response["Retry-After"] = str(wait)
            return response
        try:
            use = passkey_authenticate(request, ceremony=PASSWORDLESS, credential=request.POST.get("credential", ""))
        except PasskeyError as error:
            log.info("Passwordless passkey sign-in refused: %s", error.reason)
            # Counted per address: the account is not known until a passkey is accepted.
            mfa_code_failed(request=request, user=None)
            return self._refused(request, error.message, status=400)
        user = use.passkey.user
        # UV is required for this ceremony (accounts.mfa.passkeys): possession and the device's PIN or biometric.
        passwordless_signed_in(request, user=user, methods=[*use.methods, AMR_MFA])
        return redirect(_next_url(request) or resolve_url(settings.LOGIN_REDIRECT_URL))

    def _refused(self, request, error: str, *, status: int):
        # The sign-in page, with its form empty and the passkey's refusal above it.
        context = {"form": ThrottledAuthenticationForm(request), "next": _next_url(request), "passkey_error": error}
        return render(request, "registration/login.html", context, status=status)
