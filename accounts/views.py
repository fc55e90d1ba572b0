"""Pages a person sees on the provider itself (sign-in pages come from django.contrib.auth)."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import get_object_or_404, redirect
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.generic import TemplateView
from oauth2_provider.scopes import get_scopes_backend

from accounts.selectors import authorization_list
from accounts.services import authorization_revoke
from clients.models import Application


class HomeView(TemplateView):
    """The provider's landing page: who you are signed in as and where things are."""

    template_name = "home.html"


@method_decorator(never_cache, name="dispatch")
class AuthorizedAppsView(LoginRequiredMixin, TemplateView):
    """The applications the signed-in user has authorised, with their scopes, dates and a Revoke button."""

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
