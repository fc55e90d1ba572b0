"""The second-factor pages: the sign-in step (and step-up), and the account's MFA section (enrol, codes, remove)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache

from accounts.mfa.models import Passkey
from accounts.mfa.policy import user_must_use_second_factor
from accounts.mfa.recovery_codes import (
    recovery_code_use,
    recovery_codes_generate,
    recovery_codes_left,
    recovery_codes_remove,
)
from accounts.mfa.sign_in import second_factor_passed, second_factor_subject
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
from provider.acr import AMR_OTP


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
        user = request.user
        context = {
            "totp": totp_device(user=user),
            "passkeys": Passkey.objects.filter(user=user).order_by("created"),
            "recovery_codes_left": recovery_codes_left(user=user),
            "required": user_must_use_second_factor(user),
            "next": _next_url(request),
        }
        return render(request, "accounts/mfa/settings.html", context)


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
            return _show_recovery_codes(request, recovery_codes_generate(user=user, request=request), first=True)
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


def _show_recovery_codes(request, codes: list[str], *, first: bool = False):
    context = {"codes": codes, "first": first, "next": _next_url(request) or reverse("mfa-settings")}
    return render(request, "accounts/mfa/recovery_codes.html", context)


@method_decorator(never_cache, name="dispatch")
class RecoveryCodesView(LoginRequiredMixin, View):
    """Make a new set of recovery codes (the old set stops working) and show them, once."""

    http_method_names = ["post"]

    def post(self, request):
        return _show_recovery_codes(request, recovery_codes_generate(user=request.user, request=request))


class TotpRemoveView(LoginRequiredMixin, View):
    """Remove the authenticator app (and the recovery codes, when no passkey is left either)."""

    http_method_names = ["post"]

    def post(self, request):
        totp_remove(user=request.user, request=request)
        if not Passkey.objects.filter(user=request.user).exists():
            recovery_codes_remove(user=request.user)
        messages.success(request, _("The authenticator app was removed."))
        return redirect("mfa-settings")
