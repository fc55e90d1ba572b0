"""Who may call an API view: DOT's scope check per HTTP method, and whose token it must be."""

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from oauth2_provider.contrib.rest_framework import TokenHasScope
from rest_framework.permissions import BasePermission

from api.exceptions import InsufficientScope
from token_cache.records import BearerToken

# Requests that only read: they need what reading the resource needs.
_READ_ALIASES = {"HEAD": "GET", "OPTIONS": "GET"}


def required_scopes_for(view, method: str) -> list[str]:
    """The scopes ``view`` requires for ``method``, from its ``required_scopes`` list or {method: list} dict."""
    declared = getattr(view, "required_scopes", None)
    if declared is None:
        raise ImproperlyConfigured(f"{type(view).__name__} must declare required_scopes.")
    if not isinstance(declared, dict):
        return list(declared)
    method = method.upper()
    if method in declared:
        return list(declared[method])
    if method in _READ_ALIASES and declared:
        return list(declared.get(_READ_ALIASES[method]) or next(iter(declared.values())))
    if method in {m.upper() for m in view.allowed_methods}:
        raise ImproperlyConfigured(f"{type(view).__name__}.required_scopes has no entry for {method}.")
    # Not a method the view serves: let DRF answer 405 rather than guess a scope.
    return []


class TokenHasMethodScope(TokenHasScope):
    """DOT's TokenHasScope with ``required_scopes`` per method; a token lacking them gets insufficient_scope."""

    def get_scopes(self, request, view) -> list[str]:
        return required_scopes_for(view, request.method)

    def has_permission(self, request, view) -> bool:
        if super().has_permission(request, view):
            return True
        token = request.auth
        scopes = self.get_scopes(request, view)
        # Anything but a bearer token's record (another authentication class) is simply not permitted, as in DOT.
        if isinstance(token, BearerToken) and not token.allow_scopes(scopes):
            # A valid token lacking a scope: RFC 6750 §3.1 insufficient_scope (403), not a bare 403.
            raise InsufficientScope(scopes)
        return False


class TokenHasUser(BasePermission):
    """The token speaks for a user; a client-credentials token (no user) cannot act on anyone's data."""

    def has_permission(self, request, view) -> bool:
        token: BearerToken | None = request.auth
        if token is None:
            return False
        if token.user_id is None:
            raise InsufficientScope(
                required_scopes_for(view, request.method),
                _("This endpoint acts for a user; a client-credentials token speaks for no user."),
            )
        return True


class TokenHasNoUser(BasePermission):
    """The token is a machine client's own (client credentials), not one a user delegated."""

    def has_permission(self, request, view) -> bool:
        token: BearerToken | None = request.auth
        if token is None:
            return False
        if token.user_id is not None:
            # A user cannot delegate a directory of every account they themselves may not read.
            raise InsufficientScope(
                required_scopes_for(view, request.method),
                _("This endpoint serves machine clients: present a client-credentials token."),
            )
        return True
