"""Pages a person sees on the provider itself (sign-in pages come from django.contrib.auth)."""

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.generic import TemplateView
from oauth2_provider.scopes import get_scopes_backend

from accounts.email_verification import email_verification_user
from accounts.mail_limits import email_verification_limits, mail_requested, mail_retry_after, retry_message
from accounts.models import UserSession
from accounts.selectors import authorization_list
from accounts.services import authorization_revoke, user_email_verification_send, user_email_verify
from accounts.sessions import session_sid, sessions_end, user_sign_out_everywhere
from clients.models import Application
from idp.settings import idp_settings


class HomeView(TemplateView):
    """The provider's landing page: who you are signed in as and where things are."""

    template_name = "home.html"


@method_decorator(never_cache, name="dispatch")
class AuthorizedAppsView(LoginRequiredMixin, TemplateView):
    """The applications the signed-in user has authorized, with their scopes, dates and a Revoke button."""

    template_name = "accounts/authorized_apps.html"

    def get_context_data(self, **kwargs):
        descriptions = get_scopes_backend().get_all_scopes()
        authorizations = [
            (authorization, [(scope, descriptions.get(scope, scope)) for scope in authorization.scopes])
            for authorization in authorization_list(user=self.request.user)
        ]
        return super().get_context_data(authorizations=authorizations, **kwargs)


class AuthorizedAppRevokeView(LoginRequiredMixin, View):
    """Withdraw one application's access for the signed-in user: tokens, codes and remembered consent."""

    http_method_names = ["post"]

    def post(self, request, pk: int):
        application = get_object_or_404(Application, pk=pk)
        authorization_revoke(user=request.user, application=application)
        messages.success(
            request,
            _("%(name)s can no longer access your account. It will have to ask you again.")
            % {"name": application.name},
        )
        return redirect("authorized-apps")


@method_decorator(never_cache, name="dispatch")
class EmailAddressView(LoginRequiredMixin, TemplateView):
    """The signed-in user's address, whether it is verified, and a button that mails a verification link."""

    template_name = "accounts/email_address.html"


class EmailVerificationSendView(LoginRequiredMixin, View):
    """Mail the signed-in user a verification link; paused per address and IP (429 with Retry-After)."""

    http_method_names = ["post"]

    def post(self, request) -> HttpResponse:
        user = request.user
        if not user.email:
            messages.error(request, _("Your account has no email address. An administrator can add one."))
            return redirect("email-address")
        if user.email_verified:
            messages.info(request, _("Your email address is already verified."))
            return redirect("email-address")
        wait = mail_retry_after(limits=email_verification_limits(), address=user.email, request=request)
        if wait:
            response = render(request, EmailAddressView.template_name, {"throttled": retry_message(wait)}, status=429)
            response["Retry-After"] = str(wait)  # RFC 6585 §4
            return response
        mail_requested(limits=email_verification_limits(), address=user.email, request=request)
        user_email_verification_send(user=user, request=request)
        return redirect("email-verification-sent")


@method_decorator(never_cache, name="dispatch")
class EmailVerificationSentView(LoginRequiredMixin, TemplateView):
    """The "check your mail" page, naming the address the link went to and how long it works."""

    template_name = "accounts/email_verification_sent.html"

    def get_context_data(self, **kwargs):
        hours = max(idp_settings.EMAIL_VERIFICATION_TIMEOUT // 3600, 1)
        return super().get_context_data(hours=hours, **kwargs)


@method_decorator(never_cache, name="dispatch")
class EmailVerifyView(TemplateView):
    """The link from the mail: a button that verifies (GET changes nothing, so mail scanners that open links
    cannot spend it), or a page saying the link is expired or used. No sign-in needed: the link is the proof."""

    template_name = "accounts/email_verify.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(validlink=email_verification_user(token=kwargs["token"]) is not None, **kwargs)

    def post(self, request, token: str) -> HttpResponse:
        user = email_verification_user(token=token)
        if user is None:
            return self.get(request, token=token)
        user_email_verify(user=user, request=request)
        return redirect("email-verified")


class EmailVerifiedView(TemplateView):
    """The address is verified."""

    template_name = "accounts/email_verified.html"


@method_decorator(never_cache, name="dispatch")
class AccountView(LoginRequiredMixin, TemplateView):
    """The signed-in user's account: profile, e-mail, password, second factors, sessions, authorized apps."""

    template_name = "accounts/account.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            sessions=UserSession.objects.live().filter(user=self.request.user),
            current_sid=session_sid(self.request),
            authorized_apps=len(authorization_list(user=self.request.user)),
            **kwargs,
        )


class SessionEndView(LoginRequiredMixin, View):
    """Sign one of the user's own sessions out (this browser's too); its applications are told."""

    http_method_names = ["post"]

    def post(self, request, pk: int) -> HttpResponse:
        session = get_object_or_404(UserSession.objects.live(), pk=pk, user=request.user)
        if session.sid == session_sid(request):
            logout(request)  # ends the record through the sign-out signal
            return redirect("login")
        sessions_end(sessions=UserSession.objects.filter(pk=session.pk), request=request)
        messages.success(request, _("That session is signed out."))
        return redirect("account")


class SignOutEverywhereView(LoginRequiredMixin, View):
    """End every session of the user and withdraw every token (accounts.sessions.user_sign_out_everywhere)."""

    http_method_names = ["post"]

    def post(self, request) -> HttpResponse:
        user_sign_out_everywhere(user=request.user, request=request)
        logout(request)
        messages.success(request, _("You are signed out everywhere. Applications will have to ask you again."))
        return redirect("login")
