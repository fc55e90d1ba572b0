"""URL wiring: the provider under /o/, discovery documents at the origin root, the API under /api/."""

from django.contrib import admin
from django.urls import include, path
from oauth2_provider import urls as dot_urls

from accounts import views as account_views
from accounts.device_authorization import DeviceAuthorizationView
from accounts.device_verification import DeviceConfirmView, DeviceUserCodeView
from accounts.discovery import ConnectDiscoveryInfoView, OAuthServerMetadataView
from accounts.introspection import IntrospectTokenView
from accounts.rp_logout import RPInitiatedLogoutView
from accounts.token_endpoints import RevokeTokenView, TokenView
from accounts.userinfo import UserInfoView

# DOT's own routes, regrouped. Discovery (OIDC and RFC 8414) lives at the origin root so the issuer
# is the bare origin; everything else stays under /o/. The self-service application pages
# (/o/applications/) are deliberately not mounted: clients are registered by admins only.

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
oauth2_provider_patterns = (
    [
        path("o/authorize/", account_views.ConsentView.as_view(), name="authorize"),
        path("o/device-authorization/", DeviceAuthorizationView.as_view(), name="device-authorization"),
        path("o/device/", DeviceUserCodeView.as_view(), name="device"),
        path("o/device-confirm/<slug:client_id>/<slug:user_code>", DeviceConfirmView.as_view(), name="device-confirm"),
        path("o/token/", TokenView.as_view(), name="token"),
        path("o/revoke_token/", RevokeTokenView.as_view(), name="revoke-token"),
        path("o/introspect/", IntrospectTokenView.as_view(), name="introspect"),
        path("o/", include([p for p in dot_urls.base_urlpatterns if p.name not in REPLACED_DOT_ROUTES])),
        path("o/userinfo/", UserInfoView.as_view(), name="user-info"),
        path("o/logout/", RPInitiatedLogoutView.as_view(), name="rp-initiated-logout"),
        path("o/", include([p for p in dot_urls.oidc_urlpatterns if p.name not in REPLACED_DOT_ROUTES])),
        path(
            ".well-known/openid-configuration", ConnectDiscoveryInfoView.as_view(), name="oidc-connect-discovery-info"
        ),
        path(
            ".well-known/oauth-authorization-server", OAuthServerMetadataView.as_view(), name="oauth-server-metadata"
        ),
        path("", include([p for p in dot_urls.metadata_urlpatterns if p.name not in REPLACED_DOT_ROUTES])),
    ],
    "oauth2_provider",
)

urlpatterns = [
    path("", account_views.HomeView.as_view(), name="home"),
    path("", include(oauth2_provider_patterns)),
    path("accounts/", include("accounts.urls")),
    path("api/", include("api.urls")),
    path("admin/", admin.site.urls),
]

# A database error raised outside a view (e.g. in a middleware) is a 503 too, not a 500.
handler500 = "config.database_outage.server_error"
