"""DOT scopes backend: the declared scopes, narrowed to what an admin allowed each client."""

from oauth2_provider.scopes import SettingsScopes


class ApplicationScopes(SettingsScopes):
    """Declared scopes (settings) intersected with the client's ``allowed_scopes``."""

    def get_available_scopes(self, application=None, request=None, *args, **kwargs) -> list[str]:
        declared = super().get_available_scopes(application, request, *args, **kwargs)
        if application is None:
            # Discovery and metadata ask without a client: they list everything the provider declares.
            return declared
        return [scope for scope in declared if scope in application.allowed_scopes]

    def get_default_scopes(self, application=None, request=None, *args, **kwargs) -> list[str]:
        if application is None:
            return super().get_default_scopes(application, request, *args, **kwargs)
        if getattr(request, "grant_type", None) == "client_credentials":
            # A machine client that names no scope gets what it was allowed, and nothing more.
            return self.get_available_scopes(application, request)
        defaults = super().get_default_scopes(application, request, *args, **kwargs)
        return [scope for scope in defaults if scope in application.allowed_scopes]
