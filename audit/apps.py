"""The audit app: security events recorded by signal receivers and by explicit ``record_event`` calls."""

from django.apps import AppConfig


class AuditConfig(AppConfig):
    """Connects the receivers that turn Django, DOT and admin signals into audit events."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "audit"
    verbose_name = "Audit trail"

    def ready(self) -> None:
        from audit import receivers  # noqa: F401  (connects the signal receivers)
