"""The accounts app: users, sign-in, and how the provider treats them."""

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Identity and provider behaviour."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "accounts"
