"""The consent app: a user's standing approvals of clients, so they are not asked twice for the same thing."""

from django.apps import AppConfig


class ConsentConfig(AppConfig):
    """Remembered consent."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "consent"
