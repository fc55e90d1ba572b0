"""Token introspection (RFC 7662) for resource servers an admin allowed the ``introspection`` scope.

DOT's view lets *any* confidential client that authenticates introspect *any* token, which would turn
every client secret into a token-scanning oracle. RFC 7662 §4 asks the server to decide whether the
caller may introspect at all, so here a caller must be a confidential client whose allowed scopes
include ``introspection`` and authenticate with its secret (RFC 7662 §2.1, client_secret_basic as in
the RFC's example, or client_secret_post), or present a bearer token carrying that scope (obtained by
the same client with client credentials). Anything else is a 401 in the RFC 6749 §5.2 format.
"""

import calendar
import hashlib
import json

from django.http import HttpRequest, HttpResponse, JsonResponse
from oauth2_provider.models import get_access_token_model
from oauth2_provider.settings import oauth2_settings
from oauth2_provider.views import IntrospectTokenView as DOTIntrospectTokenView
from oauth2_provider.www_authenticate import build_bearer_challenge, challenge_status
from oauthlib.common import Request as OAuthlibRequest

INTROSPECTION_SCOPE = "introspection"


class IntrospectTokenView(DOTIntrospectTokenView):
    """DOT's introspection endpoint, open only to resource servers, POST only, never cached."""

    # RFC 7662 §2.1 defines a POST; a token in a query string ends up in access logs.
    http_method_names = ["post", "options"]
    required_scopes = [INTROSPECTION_SCOPE]

    def authenticate_client(self, request: HttpRequest) -> bool:
        """Client authentication (Basic or body) by a confidential client allowed the introspection scope."""
        core = self.get_oauthlib_core()
        uri, http_method, body, headers = core._extract_params(request)
        oauthlib_request = OAuthlibRequest(uri, http_method, body, headers)
        if not core.server.request_validator.authenticate_client(oauthlib_request):
            return False
        return INTROSPECTION_SCOPE in (oauthlib_request.client.allowed_scopes or [])

    def unauthenticated_response(self, request: HttpRequest, oauthlib_request=None) -> HttpResponse:
        """RFC 6750 challenge for a bearer caller, RFC 6749 §5.2 invalid_client for everyone else."""
        if request.headers.get("Authorization", "").lower().startswith("bearer "):
            error = getattr(oauthlib_request, "oauth2_error", None) or {"error": "invalid_token"}
            response = JsonResponse(error, status=challenge_status(error))
            response["WWW-Authenticate"] = build_bearer_challenge(request, error, resource_metadata_url=None)
        else:
            response = JsonResponse(
                {
                    "error": "invalid_client",
                    "error_description": "Authenticate as a resource server allowed to introspect tokens.",
                },
                status=401,
            )
            response["WWW-Authenticate"] = 'Basic realm="token introspection"'
        response["Cache-Control"] = "no-store"
        return response

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        response = super().post(request, *args, **kwargs)
        if response.status_code == 200:
            data = json.loads(response.content)
            if data.get("active"):
                data.update(self._extra_claims(request, request.POST["token"]))
                response = JsonResponse(data)
        # The answer describes a live credential: no cache may keep it (as for token responses).
        response["Cache-Control"] = "no-store"
        response["Pragma"] = "no-cache"
        return response

    @staticmethod
    def _extra_claims(request: HttpRequest, token_value: str) -> dict:
        """RFC 7662 §2.2 members DOT leaves out: token_type, iat, iss, and sub (the ID token's subject)."""
        # Tokens are stored hashed (RFC 9700): they are found by the sha256 of the raw value, as DOT does.
        checksum = hashlib.sha256(token_value.encode("utf-8")).hexdigest()
        row = get_access_token_model().objects.values("user_id", "created").get(token_checksum=checksum)
        claims = {
            "token_type": "Bearer",
            "iat": calendar.timegm(row["created"].utctimetuple()),
            "iss": oauth2_settings.oidc_issuer(request),
        }
        if row["user_id"] is not None:
            claims["sub"] = str(row["user_id"])
        return claims
