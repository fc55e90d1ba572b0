"""The provider's URLs plus the bench-only reference views (mounted only by config.settings.bench)."""

from django.urls import include, path

from bench import views

urlpatterns = [
    path("bench/django/", views.bare_django_view, name="bench-django"),
    path("bench/drf/", views.PlainDRFView.as_view(), name="bench-drf"),
    path("bench/protected/", views.ProtectedDRFView.as_view(), name="bench-protected"),
    path("", include("config.urls")),
]
