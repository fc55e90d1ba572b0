"""The provider app: the OAuth 2.1 / OpenID Connect authorization server built on django-oauth-toolkit."""

from django.apps import AppConfig


class ProviderConfig(AppConfig):
    """The validator, the oauthlib server, every protocol endpoint, and their system checks."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "provider"
    verbose_name = "Authorization server"

    def ready(self) -> None:
        # Connects the receiver recording each sign-in's moment, and registers the system checks.
        from provider import authentication, checks  # noqa: F401
