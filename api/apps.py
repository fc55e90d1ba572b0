"""The api app: the resource server."""

from django.apps import AppConfig


class ApiConfig(AppConfig):
    """Each user's protected resources over DRF."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "api"

    def ready(self) -> None:
        # drf-spectacular finds OpenAPI extensions by import, Django's check framework its checks.
        from api import checks, schema  # noqa: F401 - registers the system checks and OpenAPI extensions
