"""OpenAPI description of the API's security: the OAuth 2 flows of this provider and each operation's scopes."""

from django.urls import URLPattern, URLResolver, get_resolver, reverse
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from oauth2_provider.scopes import get_scopes_backend

from api.permissions import TokenHasMethodScope, TokenHasNoUser, required_scopes_for
from api.serializers import ErrorSerializer, ValidationErrorSerializer

_CHALLENGE = {
    "WWW-Authenticate": {
        "schema": {"type": "string"},
        "description": 'The RFC 6750 challenge, e.g. Bearer realm="api", error="invalid_token".',
    }
}
# Refusals any protected operation can give, whatever its own responses.
_PROTECTED_ERRORS = {
    "401": ("No access token, or one that is invalid, expired or revoked.", _CHALLENGE),
    "403": ("The token lacks a scope this operation needs (insufficient_scope, with scope=).", _CHALLENGE),
    "429": ("Too many requests for this client and user; retry after Retry-After seconds.", {}),
}


class ApiAutoSchema(AutoSchema):
    """drf-spectacular's AutoSchema, documenting the error responses of protected operations too."""

    def get_operation(self, *args, **kwargs):
        operation = super().get_operation(*args, **kwargs)
        if not operation or not operation.get("security") or operation["security"] == [{}]:
            return operation
        errors = {code: (ErrorSerializer, *rest) for code, rest in _PROTECTED_ERRORS.items()}
        if "requestBody" in operation:
            errors["400"] = (ValidationErrorSerializer, "Invalid input (validation_error, with fields).", {})
        if any(parameter["in"] == "path" for parameter in operation.get("parameters", [])):
            errors["404"] = (ErrorSerializer, "None of yours: another user's item reads like a missing one.", {})
        for code, (serializer, description, headers) in sorted(errors.items()):
            body = {"application/json": {"schema": self.resolve_serializer(serializer, "response").ref}}
            operation["responses"].setdefault(
                code, {"content": body, "description": description, **({"headers": headers} if headers else {})}
            )
        return operation


def _view_classes(patterns: list[URLPattern | URLResolver]):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _view_classes(pattern.url_patterns)
        elif view_class := getattr(pattern.callback, "cls", None):
            yield view_class


def machine_scopes() -> dict[str, str]:
    """The scopes of the operations only a client-credentials token may call, with their descriptions.

    The only ones the clientCredentials flow lists: offering a machine user scopes would get it invalid_scope.
    """
    every_scope = get_scopes_backend().get_all_scopes()
    names = set()
    for view_class in _view_classes(get_resolver().url_patterns):
        if TokenHasNoUser in getattr(view_class, "permission_classes", ()):
            declared = getattr(view_class, "required_scopes", None) or []
            for scopes in declared.values() if isinstance(declared, dict) else [declared]:
                names.update(scopes)
    return {name: description for name, description in every_scope.items() if name in names}


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
        # Paths, not absolute URLs: OpenAPI allows URL references, Swagger UI resolves them against the
        # schema's own URL, and the document then holds for whatever host serves it.
        token_url = reverse("oauth2_provider:token")
        scopes = get_scopes_backend().get_all_scopes()
        return {
            "type": "oauth2",
            "description": (
                "Tokens from this provider. Authorization code: PKCE with S256 is required (OAuth 2.1); "
                "public clients such as `demo-spa` send no secret. Client credentials: confidential "
                "machine clients only. Each client may request only the scopes an admin allowed it."
            ),
            "flows": {
                "authorizationCode": {
                    "authorizationUrl": reverse("oauth2_provider:authorize"),
                    "tokenUrl": token_url,
                    "refreshUrl": token_url,
                    "scopes": scopes,
                },
                "clientCredentials": {"tokenUrl": token_url, "scopes": machine_scopes()},
            },
        }
