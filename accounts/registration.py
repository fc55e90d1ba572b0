"""Self-registration: off unless the operator turns it on (ACCOUNT_SELF_REGISTRATION), then open to anyone.

The new account is signed in at once (a session record like any sign-in) and mailed a link that verifies its
address; until then the ``email_verified`` claim says false. OpenID Connect Prompt Create 1.0: a client
sending ``prompt=create`` is sent here by DOT's authorization view (OIDC_RP_INITIATED_REGISTRATION_URL) with
``next`` pointing back at the authorization request, which continues once the account exists.
"""

from django import forms
from django.contrib.auth import login
from django.contrib.auth.forms import UserCreationForm
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.generic import FormView

from accounts.models import User
from accounts.services import user_email_verification_send
from idp.settings import idp_settings


class RegistrationForm(UserCreationForm):
    """Django's username and two passwords (validated by AUTH_PASSWORD_VALIDATORS), plus a required address."""

    email = forms.EmailField(label=_("Email address"), max_length=254)

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "email")


@method_decorator(never_cache, name="dispatch")
class RegistrationView(FormView):
    """Create an account, sign it in, mail the verification link, and go back where the user came from."""

    template_name = "registration/register.html"
    form_class = RegistrationForm

    def dispatch(self, request, *args, **kwargs):
        if not idp_settings.SELF_REGISTRATION:
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form: RegistrationForm) -> HttpResponse:
        user = form.save()
        login(self.request, user, backend="accounts.sign_in.ThrottledModelBackend")
        user_email_verification_send(user=user, request=self.request)
        next_url = self.request.POST.get("next") or self.request.GET.get("next") or ""
        if url_has_allowed_host_and_scheme(next_url, allowed_hosts={self.request.get_host()}, require_https=False):
            return redirect(next_url)
        return redirect("email-verification-sent")

    def get_context_data(self, **kwargs):
        return super().get_context_data(next=self.request.GET.get("next", ""), **kwargs)
