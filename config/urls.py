"""URL wiring: the provider at /o/ and /.well-known/, sign-in under /accounts/, the API, health probes, metrics."""

from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView

from accounts.language import language_switch
from accounts.views import HomeView
from observability.views import metrics

urlpatterns = [
    # First: Django tries patterns in order, and the API is the busiest path. Behind the provider's routes
    # every API call was matched against each of them first (about a tenth of a GET /api/me/, in-process).
    # No other pattern starts with "api/", so the order changes no route.
    path("api/", include("api.urls")),
    path("", HomeView.as_view(), name="home"),
    path("", include("provider.urls")),
    path("accounts/", include("accounts.urls")),
    path("health/", include("health.urls")),
    path("metrics", metrics, name="metrics"),
    # The language switcher's links, at the foot of every page.
    path("language/<str:language>/", language_switch, name="language"),
    path("admin/", admin.site.urls),
    # Pages name their icon (templates/base.html, admin/base_site.html); browsers still ask for /favicon.ico
    # on anything that names none (JSON, a server's error page). Not permanent: a cached 301 would outlive a move.
    path("favicon.ico", RedirectView.as_view(url=static("favicon.svg")), name="favicon"),
]

# A database error raised outside a view (e.g. in a middleware) is a 503 too, not a 500.
handler500 = "config.database_outage.server_error"
