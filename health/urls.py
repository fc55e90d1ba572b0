"""The health endpoints, at /health/live and /health/ready (no trailing slash: probes are configured by hand)."""

from django.urls import path

from health import views

app_name = "health"

urlpatterns = [
    path("live", views.live, name="live"),
    path("ready", views.ready, name="ready"),
]
