"""The provider app: the OAuth 2.1 / OpenID Connect authorization server built on django-oauth-toolkit."""

from django.apps import AppConfig


class ProviderConfig(AppConfig):
    """The validator, the oauthlib server, every protocol endpoint, and their system checks."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "provider"
    verbose_name = "Authorization server"

    def ready(self) -> None:
        from provider import checks  # noqa: F401 - registers the system checks
