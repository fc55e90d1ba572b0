"""Every scope an API view requires is declared in the provider's settings, with a description to show."""

from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver

from api.permissions import TokenHasMethodScope


def api_views() -> list[type]:
    """The view classes mounted under the ``api`` namespace."""
    resolver = get_resolver()
    api = next(p for p in resolver.url_patterns if isinstance(p, URLResolver) and p.namespace == "api")
    return [p.callback.view_class for p in api.url_patterns if isinstance(p, URLPattern)]


def required_scope_values(view_class: type) -> set[str]:
    declared = getattr(view_class, "required_scopes", [])
    lists = declared.values() if isinstance(declared, dict) else [declared]
    return {scope for scopes in lists for scope in scopes}


def test_every_required_scope_is_declared_with_a_description():
    declared = settings.OAUTH2_PROVIDER["SCOPES"]

    required = set().union(*(required_scope_values(view) for view in api_views()))

    assert required, "no API view declares required_scopes"
    assert required <= set(declared), f"undeclared: {sorted(required - set(declared))}"
    assert all(declared[scope].strip() for scope in required)


def test_every_view_guarded_by_scopes_declares_them_for_each_method_it_serves():
    for view in api_views():
        if TokenHasMethodScope not in getattr(view, "permission_classes", []):
            continue
        declared = view.required_scopes
        if isinstance(declared, dict):
            served = {m.upper() for m in view.http_method_names if hasattr(view, m) and m not in {"options", "head"}}
            assert served <= set(declared), f"{view.__name__} lacks scopes for {sorted(served - set(declared))}"
            assert all(declared.values()), f"{view.__name__} has a method with no scope"
        else:
            assert declared, f"{view.__name__} requires no scope"


def test_the_only_unguarded_api_views_are_the_public_ones():
    unguarded = {
        view.__name__ for view in api_views() if TokenHasMethodScope not in getattr(view, "permission_classes", [])
    }

    assert unguarded == {"SharedNoteView", "SchemaView", "SwaggerUIView", "SwaggerOAuth2RedirectView", "NotFoundView"}
