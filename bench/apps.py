"""The bench app, installed only by config.settings.bench."""

from django.apps import AppConfig


class BenchConfig(AppConfig):
    """Reference views the benchmark compares the provider's endpoints with."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "bench"
