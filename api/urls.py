"""API routes, namespaced ``api:``."""

from django.urls import path

from api import views

app_name = "api"

urlpatterns = [
    path("me/", views.MeView.as_view(), name="me"),
]
