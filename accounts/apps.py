"""The accounts app: identity only (users, sign-in and password pages, user services and admin)."""

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Who the users are and how they sign in; the authorization server is the provider app."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "accounts"
