"""App config for token lineage, lifetimes and revocation."""

from django.apps import AppConfig


class TokensConfig(AppConfig):
    """Connects the receivers that revoke tokens when an account's credentials change."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "tokens"
    verbose_name = "Token lineage"

    def ready(self) -> None:
        from tokens import receivers  # noqa: F401  (connects the signal receivers)
