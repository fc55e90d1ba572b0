"""System checks for the API: every view states the scopes a token needs, and something enforces them.

https://docs.djangoproject.com/en/5.2/topics/checks/

A view that forgets would let a token of any scope through (DRF's default permission only asks for *a*
token), so it is a start-up error (api.E001, api.E002) rather than a test-time one.
"""

from collections.abc import Iterator

from django.core.checks import CheckMessage, Error, Tags, register
from django.core.exceptions import ImproperlyConfigured
from django.urls import URLPattern, URLResolver, get_resolver
from oauth2_provider.contrib.rest_framework import TokenHasScope
from rest_framework.permissions import AllowAny
from rest_framework.views import APIView

from api.permissions import required_scopes_for

API_NAMESPACE = "api"


# API SCOPES
# ------------------------------------------------------------------------------
def api_views(patterns=None, *, in_api: bool = False) -> Iterator[tuple[str, type[APIView], list[str] | None]]:
    """(URL name, DRF view class, methods its route serves or None for all) for each route under ``api:``."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            yield from api_views(pattern.url_patterns, in_api=in_api or pattern.namespace == API_NAMESPACE)
        elif isinstance(pattern, URLPattern) and in_api:
            view_class = getattr(pattern.callback, "cls", None)
            if isinstance(view_class, type) and issubclass(view_class, APIView):
                # A viewset's route serves only the methods it maps to actions.
                actions = getattr(pattern.callback, "actions", None)
                yield pattern.name or pattern.pattern.describe(), view_class, list(actions) if actions else None


def _served_methods(view: APIView, methods: list[str] | None) -> list[str]:
    served = [method.upper() for method in methods] if methods else list(view.allowed_methods)
    # HEAD and OPTIONS read what GET reads, or only describe the view (api.permissions).
    return [method for method in served if method not in {"HEAD", "OPTIONS"}]


def _permission_is(permission, kind: type) -> bool:
    # A composed permission (``A | B``) is an operand holder, not a class: it proves nothing either way.
    return isinstance(permission, type) and issubclass(permission, kind)


def _is_public(view_class: type[APIView]) -> bool:
    return all(_permission_is(permission, AllowAny) for permission in view_class.permission_classes)


@register(Tags.security, Tags.urls)
def check_api_views_declare_scopes(app_configs, **kwargs) -> list[CheckMessage]:
    """Every API view that is not public names the scopes each of its methods needs, and checks them."""
    messages: list[CheckMessage] = []
    for name, view_class, methods in api_views():
        if _is_public(view_class):
            continue
        label = f"{view_class.__module__}.{view_class.__qualname__} (api:{name})"
        view = view_class()
        problems = []
        for method in _served_methods(view, methods):
            try:
                if not required_scopes_for(view, method):
                    problems.append(f"{method} requires no scope")
            except ImproperlyConfigured as error:
                problems.append(str(error).rstrip("."))
        if problems:
            messages.append(
                Error(
                    f"{label} does not say which scopes a token needs: {'; '.join(problems)}.",
                    hint=(
                        "Set required_scopes (a list, or a dict of lists by HTTP method) and put "
                        "api.permissions.TokenHasMethodScope in permission_classes; a view meant for anyone "
                        "sets permission_classes = [AllowAny] and authentication_classes = []."
                    ),
                    obj=view_class,
                    id="api.E001",
                )
            )
        elif not any(_permission_is(permission, TokenHasScope) for permission in view_class.permission_classes):
            messages.append(
                Error(
                    f"{label} declares required_scopes but none of its permission classes checks them.",
                    hint="Add api.permissions.TokenHasMethodScope to permission_classes.",
                    obj=view_class,
                    id="api.E002",
                )
            )
    return messages
