"""The API's OpenAPI schema and its Swagger UI, served from our own static files under the site's strict CSP."""

from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from django.views.generic import TemplateView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView


class SchemaView(SpectacularAPIView):
    """The OpenAPI 3 document (YAML, or JSON with ``?format=json``); public, it describes no one's data."""

    url_name = "api:schema"


class SwaggerUIView(SpectacularSwaggerSplitView):
    """Swagger UI; its start-up script is a separate same-origin request, so CSP ``script-src 'self'`` holds."""

    url_name = "api:schema"
    template_name = "api/swagger_ui.html"


@method_decorator(never_cache, name="dispatch")
class SwaggerOAuth2RedirectView(TemplateView):
    """Where the provider sends Swagger UI's login popup back with the code; hands it to the opener window."""

    template_name = "api/swagger_oauth2_redirect.html"

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        # The URL carries an authorization code: never let it leave in a Referer header.
        response["Referrer-Policy"] = "no-referrer"
        return response
