"""The provider's system checks stop start-up on API views without scopes, unshared caches and proxy mismatches."""

import pytest
from django.urls import include, path
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework.viewsets import ViewSet

from api.checks import check_api_views_declare_scopes
from api.permissions import TokenHasMethodScope
from provider.checks import (
    check_idp_settings,
    check_proxy_settings,
    check_shared_cache,
)
from tests.idp import set_idp


# API VIEWS (served by this module as the URLconf of the tests that set ROOT_URLCONF to it)
# ------------------------------------------------------------------------------
class _Get(APIView):
    def get(self, request):
        return Response({})


class ScopedView(_Get):
    permission_classes = [TokenHasMethodScope]
    required_scopes = {"GET": ["notes:read"]}


class NoScopesView(_Get):
    """Any token at all would do: DRF's default IsAuthenticated is the only check."""

    permission_classes = [IsAuthenticated]


class MissingMethodView(_Get):
    permission_classes = [TokenHasMethodScope]
    required_scopes = {"GET": ["notes:read"]}

    def post(self, request):
        return Response({})


class EmptyScopesView(_Get):
    permission_classes = [TokenHasMethodScope]
    required_scopes = []


class UncheckedScopesView(_Get):
    permission_classes = [IsAuthenticated]
    required_scopes = ["notes:read"]


class PublicView(_Get):
    authentication_classes = []
    permission_classes = [AllowAny]


class WriteOnlyScopesViewSet(ViewSet):
    """Its route maps GET to list, but it declares scopes only for POST."""

    permission_classes = [TokenHasMethodScope]
    required_scopes = {"POST": ["notes:write"]}

    def list(self, request):
        return Response([])


api_patterns = [
    path("scoped/", ScopedView.as_view(), name="scoped"),
    path("no-scopes/", NoScopesView.as_view(), name="no-scopes"),
    path("missing-method/", MissingMethodView.as_view(), name="missing-method"),
    path("empty-scopes/", EmptyScopesView.as_view(), name="empty-scopes"),
    path("unchecked-scopes/", UncheckedScopesView.as_view(), name="unchecked-scopes"),
    path("public/", PublicView.as_view(), name="public"),
    path("viewset/", WriteOnlyScopesViewSet.as_view({"get": "list"}), name="viewset"),
    # Nested includes are still under the api namespace.
    path("v2/", include([path("no-scopes/", NoScopesView.as_view(), name="v2-no-scopes")])),
]
urlpatterns = [
    path("api/", include((api_patterns, "api"))),
    # Outside the api namespace: another app's business, not the resource server's.
    path("elsewhere/", NoScopesView.as_view(), name="elsewhere"),
]


@pytest.fixture
def api_urlconf(settings) -> None:
    settings.ROOT_URLCONF = __name__


def findings(messages) -> list[tuple[str, str]]:
    return sorted((message.id, message.msg.split(" ", 1)[0].rsplit(".", 1)[-1]) for message in messages)


def test_the_projects_own_api_views_all_declare_and_check_their_scopes():
    assert check_api_views_declare_scopes(None) == []


def test_api_views_without_scopes_for_a_method_they_serve_are_errors(api_urlconf):
    messages = check_api_views_declare_scopes(None)

    assert findings(messages) == [
        ("api.E001", "EmptyScopesView"),
        ("api.E001", "MissingMethodView"),
        ("api.E001", "NoScopesView"),
        ("api.E001", "NoScopesView"),
        ("api.E001", "WriteOnlyScopesViewSet"),
        ("api.E002", "UncheckedScopesView"),
    ]
    missing = next(m for m in messages if m.obj is MissingMethodView)
    assert "has no entry for POST" in missing.msg
    assert all(message.hint for message in messages)


def test_a_view_declaring_scopes_that_nothing_checks_is_an_error(api_urlconf):
    messages = [m for m in check_api_views_declare_scopes(None) if m.obj is UncheckedScopesView]

    assert [m.id for m in messages] == ["api.E002"]
    assert "TokenHasMethodScope" in messages[0].hint


def test_public_views_and_views_outside_the_api_need_no_scopes(api_urlconf):
    flagged = {message.msg for message in check_api_views_declare_scopes(None)}

    assert not [msg for msg in flagged if "PublicView" in msg or "ScopedView (" in msg]
    assert not [msg for msg in flagged if "api:elsewhere" in msg]


# SHARED CACHE
# ------------------------------------------------------------------------------
LOCMEM = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
DUMMY = {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
DATABASE = {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "django_cache"}
REDIS = {"BACKEND": "config.redis_cache.RedisCache", "LOCATION": "redis://127.0.0.1:6379/0"}


def test_a_memory_cache_for_throttles_without_debug_is_an_error(settings):
    settings.DEBUG = False
    settings.CACHES = {"default": LOCMEM}

    messages = check_shared_cache(None)

    assert [m.id for m in messages] == ["provider.E003"]
    assert "brute-force throttles" in messages[0].msg
    assert "REDIS_URL" in messages[0].hint


def test_a_dummy_throttle_cache_of_its_own_is_an_error(settings):
    settings.DEBUG = False
    settings.CACHES = {"default": DATABASE, "throttles": DUMMY}
    set_idp(settings, THROTTLE_CACHE_ALIAS="throttles")

    messages = check_shared_cache(None)

    assert [m.id for m in messages] == ["provider.E003"]
    assert "CACHES['throttles'] is DummyCache" in messages[0].msg


def test_cached_sessions_in_a_memory_cache_are_an_error(settings):
    settings.DEBUG = False
    settings.CACHES = {"default": REDIS, "sessions": LOCMEM}
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    settings.SESSION_CACHE_ALIAS = "sessions"

    messages = check_shared_cache(None)

    assert [m.id for m in messages] == ["provider.E003"]
    assert "sessions" in messages[0].msg


@pytest.mark.parametrize("cache", [DATABASE, REDIS], ids=["database", "redis"])
def test_a_shared_cache_passes(settings, cache):
    settings.DEBUG = False
    settings.CACHES = {"default": cache}

    assert check_shared_cache(None) == []


def test_a_memory_cache_is_fine_with_debug(settings):
    settings.DEBUG = True
    settings.CACHES = {"default": LOCMEM}

    assert check_shared_cache(None) == []


# REVERSE PROXY
# ------------------------------------------------------------------------------
FORWARDED_PROTO = ("HTTP_X_FORWARDED_PROTO", "https")


@pytest.mark.parametrize(
    ("proxies", "ssl_header", "expected"),
    [
        (-1, FORWARDED_PROTO, ["provider.E004"]),
        (-1, None, ["provider.E004"]),
        (1, None, ["provider.W001"]),
        (0, FORWARDED_PROTO, ["provider.W002"]),
        (1, FORWARDED_PROTO, []),
        (2, FORWARDED_PROTO, []),
        (0, None, []),
    ],
    ids=["negative", "negative-no-header", "hops-no-header", "header-no-hops", "one-proxy", "two-proxies", "none"],
)
def test_proxy_settings_must_agree(settings, proxies, ssl_header, expected):
    set_idp(settings, CLIENT_IP_TRUSTED_PROXIES=proxies)
    settings.SECURE_PROXY_SSL_HEADER = ssl_header

    messages = check_proxy_settings(None)

    assert [m.id for m in messages] == expected
    assert all(message.hint for message in messages)


def test_an_unknown_idp_key_is_an_error(settings):
    settings.IDP = {**settings.IDP, "TOKEN_CACHE_MAX_ENTRIE": 5}

    assert [message.id for message in check_idp_settings(None)] == ["provider.E005"]


def test_the_configured_idp_settings_have_no_unknown_key():
    assert check_idp_settings(None) == []
