"""The api app: the resource server."""

from django.apps import AppConfig


class ApiConfig(AppConfig):
    """Each user's protected resources over DRF."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "api"

    def ready(self) -> None:
        # drf-spectacular finds OpenAPI extensions by import: register ours with the app.
        from api import schema  # noqa: F401
