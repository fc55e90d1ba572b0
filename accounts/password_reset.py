"""Password reset by e-mail: Django's reset pages with rate limits, no account enumeration, and a clean ending.

The request page asks for an e-mail address, not a username: the link goes to the address anyway, people
who lost their password remember their address more readily than a login name, and a username (which
appears in ID tokens, userinfo and shared notes) would let anyone who saw it send mail to its owner.
The page answers the same way whether or not an account has the address ("if an account uses this
address, a link is on its way"), and does the same work in both cases: the matching query and an audit
row; the mail itself is rendered and sent after the response (accounts.mail).

The link is Django's: single use (it dies when the password changes) and valid for PASSWORD_RESET_TIMEOUT.
Setting the new password ends every session and token of the account (accounts.services.user_password_reset).
"""

from typing import Any

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordResetForm
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import reverse

from accounts.mail import absolute_link, mail_send
from accounts.mail_limits import mail_requested, mail_retry_after, password_reset_limits, retry_message
from accounts.models import User
from accounts.services import user_password_reset
from audit.models import AuditEvent
from audit.services import record_event


class PasswordResetRequestForm(PasswordResetForm):
    """Django's reset form: refuses while the address or IP is paused, mails off the request path, audits."""

    retry_after = 0

    def __init__(self, *args: Any, request, **kwargs: Any):
        self.request = request
        self.recipients = 0
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        email = cleaned.get("email")
        if email:
            self.retry_after = mail_retry_after(limits=password_reset_limits(), address=email, request=self.request)
            if self.retry_after:
                raise ValidationError(retry_message(self.retry_after), code="throttled")
        return cleaned

    def save(self, **kwargs: Any) -> None:
        mail_requested(limits=password_reset_limits(), address=self.cleaned_data["email"], request=self.request)
        super().save(**kwargs)  # the view passes request=self.request, among Django's options
        if not self.recipients:
            # Recorded for unknown addresses too (without the address, which may be anyone's): one row either
            # way keeps the two answers equally slow, and a burst of these shows someone probing.
            record_event(event=AuditEvent.Event.PASSWORD_RESET_REQUESTED, request=self.request, account_found=False)

    def send_mail(
        self, subject_template_name, email_template_name, context, from_email, to_email, html_email_template_name=None
    ) -> None:
        """Queue the reset mail for one matching account (Django's save() calls this once per account)."""
        user: User = context["user"]
        path = reverse("password_reset_confirm", kwargs={"uidb64": context["uid"], "token": context["token"]})
        mail_send(
            to=to_email,
            subject_template=subject_template_name,
            body_template=email_template_name,
            context={
                "username": user.get_username(),
                "link": absolute_link(request=self.request, path=path),
                "minutes": self.link_minutes(),
            },
            user_id=user.pk,
        )
        self.recipients += 1
        record_event(
            event=AuditEvent.Event.PASSWORD_RESET_REQUESTED, request=self.request, user=user, account_found=True
        )

    @staticmethod
    def link_minutes() -> int:
        """How long a reset link works, as the mail and the "check your mail" page say it."""
        return max(settings.PASSWORD_RESET_TIMEOUT // 60, 1)


class PasswordResetRequestView(auth_views.PasswordResetView):
    """Ask for a reset link; a paused address or IP answers 429 with Retry-After and says when to retry."""

    form_class = PasswordResetRequestForm
    subject_template_name = "registration/password_reset_subject.txt"
    email_template_name = "registration/password_reset_email.txt"

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "request": self.request}

    def form_invalid(self, form: PasswordResetRequestForm) -> HttpResponse:
        response = super().form_invalid(form)
        if form.retry_after:
            response.status_code = 429  # RFC 6585 §4
            response["Retry-After"] = str(form.retry_after)
        return response


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    """The "check your mail" page: the same whether or not an account has the address."""

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(minutes=PasswordResetRequestForm.link_minutes(), **kwargs)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Choose a new password from the link; every session (this browser's too) and token of the account ends."""

    def get_user(self, uidb64: str) -> User | None:
        user = super().get_user(uidb64)
        # A link mailed before the account was deactivated must not set a password on it.
        return user if user is not None and user.is_active else None

    def form_valid(self, form) -> HttpResponse:
        signed_in = self.request.user.is_authenticated  # read before the new password makes it stale
        user_password_reset(user=self.user, password=form.cleaned_data["new_password1"], request=self.request)
        if signed_in:
            # Whoever this browser was signed in as, the person now holds a new password and is told to sign
            # in with it; logout() also records the sign-out.
            logout(self.request)
        else:
            # Drops the reset token Django kept in the session, so the form cannot be sent twice.
            self.request.session.flush()
        return HttpResponseRedirect(self.get_success_url())
