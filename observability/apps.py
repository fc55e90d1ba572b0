"""Observability: Prometheus metrics, a request id on every request and log line, JSON logs."""

from django.apps import AppConfig


class ObservabilityConfig(AppConfig):
    name = "observability"
    verbose_name = "Observability"

    def ready(self) -> None:
        from observability import receivers  # noqa: F401 - connects the signal receivers
