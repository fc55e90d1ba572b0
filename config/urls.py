"""URL wiring: the provider at /o/ and /.well-known/, sign-in under /accounts/, the API, health probes."""

from django.contrib import admin
from django.urls import include, path

from accounts.views import HomeView

urlpatterns = [
    path("", HomeView.as_view(), name="home"),
    path("", include("provider.urls")),
    path("accounts/", include("accounts.urls")),
    path("api/", include("api.urls")),
    path("health/", include("health.urls")),
    path("admin/", admin.site.urls),
]

# A database error raised outside a view (e.g. in a middleware) is a 503 too, not a 500.
handler500 = "config.database_outage.server_error"
