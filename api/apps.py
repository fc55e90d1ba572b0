"""The api app: the resource server."""

from django.apps import AppConfig


class ApiConfig(AppConfig):
    """Each user's protected resources over DRF."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "api"
