"""Pages a person sees on the provider itself (sign-in pages come from django.contrib.auth)."""

from django.views.generic import TemplateView
from oauth2_provider.scopes import get_scopes_backend
from oauth2_provider.views import AuthorizationView


class HomeView(TemplateView):
    """The provider's landing page: who you are signed in as and where things are."""

    template_name = "home.html"


class ConsentView(AuthorizationView):
    """DOT's authorization endpoint, with each requested scope paired with its human description."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        all_scopes = get_scopes_backend().get_all_scopes()
        context["scope_choices"] = [(scope, all_scopes.get(scope, scope)) for scope in context.get("scopes", [])]
        return context
