"""The authorization server's routes: DOT's URL names and paths, served by the provider's views.

Discovery (OIDC and RFC 8414) lives at the origin root so the issuer is the bare origin; everything
else stays under /o/. The self-service application pages (/o/applications/) are deliberately not
mounted: clients are registered by admins only. The namespace stays ``oauth2_provider``, DOT's own, so
``reverse("oauth2_provider:token")`` and DOT's internal reverses keep working.
"""

from django.urls import include, path
from oauth2_provider import urls as dot_urls

from provider.views.authorization import ConsentView
from provider.views.device_authorization import DeviceAuthorizationView
from provider.views.device_verification import DeviceConfirmView, DeviceUserCodeView
from provider.views.discovery import ConnectDiscoveryInfoView, OAuthServerMetadataView
from provider.views.introspection import IntrospectTokenView
from provider.views.logout import RPInitiatedLogoutView
from provider.views.pushed_authorization import PushedAuthorizationView
from provider.views.token import RevokeTokenView, TokenView
from provider.views.userinfo import UserInfoView

app_name = "oauth2_provider"

# DOT routes served by our subclasses below instead (same path, same URL name).
REPLACED_DOT_ROUTES = {
    "authorize",
    "device-authorization",
    "device",
    "device-confirm",
    "token",
    "revoke-token",
    "introspect",
    "user-info",
    "rp-initiated-logout",
    "oidc-connect-discovery-info",
    "oauth-server-metadata",
    # RFC 8414's path form (/.well-known/oauth-authorization-server/<path>) would publish metadata for
    # made-up issuers under this origin; the issuer here has no path, so the route is not mounted.
    "oauth-server-metadata-issuer",
}


def _dot_routes(patterns) -> list:
    return [pattern for pattern in patterns if pattern.name not in REPLACED_DOT_ROUTES]


urlpatterns = [
    path("o/authorize/", ConsentView.as_view(), name="authorize"),
    path("o/device-authorization/", DeviceAuthorizationView.as_view(), name="device-authorization"),
    path("o/device/", DeviceUserCodeView.as_view(), name="device"),
    path("o/device-confirm/<slug:client_id>/<slug:user_code>", DeviceConfirmView.as_view(), name="device-confirm"),
    path("o/par/", PushedAuthorizationView.as_view(), name="pushed-authorization"),
    path("o/token/", TokenView.as_view(), name="token"),
    path("o/revoke_token/", RevokeTokenView.as_view(), name="revoke-token"),
    path("o/introspect/", IntrospectTokenView.as_view(), name="introspect"),
    path("o/", include(_dot_routes(dot_urls.base_urlpatterns))),
    path("o/userinfo/", UserInfoView.as_view(), name="user-info"),
    path("o/logout/", RPInitiatedLogoutView.as_view(), name="rp-initiated-logout"),
    path("o/", include(_dot_routes(dot_urls.oidc_urlpatterns))),
    path(".well-known/openid-configuration", ConnectDiscoveryInfoView.as_view(), name="oidc-connect-discovery-info"),
    path(".well-known/oauth-authorization-server", OAuthServerMetadataView.as_view(), name="oauth-server-metadata"),
    path("", include(_dot_routes(dot_urls.metadata_urlpatterns))),
]
