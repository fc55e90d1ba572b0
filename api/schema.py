"""OpenAPI description of the API's security: the OAuth 2 flows of this provider and each operation's scopes."""

from django.urls import reverse
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from oauth2_provider.scopes import get_scopes_backend

from api.permissions import TokenHasMethodScope, required_scopes_for


class BearerTokenScheme(OpenApiAuthenticationExtension):
    """Describes ``BearerTokenAuthentication`` as an ``oauth2`` scheme with per-operation scopes."""

    target_class = "api.authentication.BearerTokenAuthentication"
    name = "oauth2"

    def get_security_requirement(self, auto_schema):
        view = auto_schema.view
        if any(isinstance(permission, TokenHasMethodScope) for permission in view.get_permissions()):
            return {self.name: required_scopes_for(view, auto_schema.method)}
        return None

    def get_security_definition(self, auto_schema):
        request = getattr(auto_schema.view, "request", None)

        def url(name: str) -> str:
            # Absolute when served over HTTP, so Swagger UI reaches this very provider whatever its host.
            path = reverse(name)
            return request.build_absolute_uri(path) if request is not None else path

        scopes = get_scopes_backend().get_all_scopes()
        token_url = url("oauth2_provider:token")
        return {
            "type": "oauth2",
            "description": (
                "Tokens from this provider. Authorization code: PKCE with S256 is required (OAuth 2.1); "
                "public clients such as `demo-spa` send no secret. Client credentials: confidential "
                "machine clients only. Each client may request only the scopes an admin allowed it."
            ),
            "flows": {
                "authorizationCode": {
                    "authorizationUrl": url("oauth2_provider:authorize"),
                    "tokenUrl": token_url,
                    "refreshUrl": token_url,
                    "scopes": scopes,
                },
                "clientCredentials": {"tokenUrl": token_url, "scopes": scopes},
            },
        }
