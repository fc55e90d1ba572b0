"""The accounts app: identity only (users, sign-in and password pages, user services and admin)."""

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Who the users are and how they sign in; the authorization server is the provider app."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "accounts"

    def ready(self) -> None:
        # Connects the sign-in and sign-out receivers that keep the session records.
        from accounts import sessions  # noqa: F401
