"""Token introspection (RFC 7662) for resource servers an admin allowed the ``introspection`` scope.

DOT's view lets *any* confidential client that authenticates introspect *any* token, which would turn
every client secret into a token-scanning oracle. RFC 7662 §4 asks the server to decide whether the
caller may introspect at all, so here a caller must be a confidential client whose allowed scopes
include ``introspection`` and authenticate with its secret (RFC 7662 §2.1, client_secret_basic as in
the RFC's example, or client_secret_post), or present a bearer token carrying that scope (obtained by
the same client with client credentials). Anything else is a 401 in the RFC 6749 §5.2 format.
"""

import calendar

from django.http import HttpRequest, HttpResponse, JsonResponse
from oauth2_provider.settings import oauth2_settings
from oauth2_provider.views import IntrospectTokenView as DOTIntrospectTokenView
from oauth2_provider.www_authenticate import build_bearer_challenge, challenge_status
from oauthlib.common import Request as OAuthlibRequest

from provider.dpop_binding import DPOP_TOKEN_TYPE
from provider.jwt_access_tokens import jwt_access_token_verify, looks_like_jwt
from provider.responses import error_body_sanitized, no_store, protocol_error
from resource_verifier.verification import InvalidToken
from token_cache.selectors import bearer_token_presented

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
            response = protocol_error(
                "invalid_client",
                "Authenticate as a resource server allowed to introspect tokens.",
                status=401,
                headers={"WWW-Authenticate": 'Basic realm="token introspection"'},
            )
        return no_store(response)

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        token_value = request.POST.get("token")
        if token_value is None:
            response = self.get_token_response(None)  # DOT's invalid_request
        else:
            response = JsonResponse(self._description(request, token_value))
        # The answer describes a live credential: no cache may keep it (as for token responses).
        return no_store(error_body_sanitized(response))

    @staticmethod
    def _description(request: HttpRequest, token_value: str) -> dict:
        """DOT's answer (get_token_response) from the token cache, with the RFC 7662 §2.2 members DOT leaves out.

        DOT's method loads the token itself and offers no hook for the lookup. The token cache holds the
        token's record (and its user) and drops them when the token, its user or its client changes (at
        once in this process, within the poll interval in the others), so a repeated question costs no query.
        """
        # The answer names the client by the record's client_id: no client instance is needed.
        presented = bearer_token_presented(raw_token=token_value, with_client=False)
        # Beyond DOT's expiry check, what a bearer presentation refuses: a deactivated user or a disabled
        # client (both revoke their tokens; this is the backstop should a token outlive that).
        if (
            presented is None
            or not presented.token.is_valid()
            or presented.token.user_active is False
            or presented.token.client_usable is False
        ):
            return {"active": False}
        token = presented.token
        data = {
            "active": True,
            "scope": token.scope,
            "exp": calendar.timegm(token.expires.utctimetuple()),
            "token_type": "Bearer",
            "iat": calendar.timegm(token.created.utctimetuple()),
            "iss": oauth2_settings.oidc_issuer(request),
        }
        if token.client_id is not None:
            data["client_id"] = token.client_id
        if presented.user is not None:
            data["username"] = presented.user.get_username()
            data["sub"] = str(token.user_id)  # the ID token's subject
        if token.resource:
            data["aud"] = list(token.resource)  # RFC 8707: the audiences the token is bound to
        if token.jkt:
            # RFC 9449 §6.2: a DPoP-bound token says so, and names the key a resource server must see a proof of.
            data["token_type"] = DPOP_TOKEN_TYPE
            data["cnf"] = {"jkt": token.jkt}
        if looks_like_jwt(token_value):
            try:
                # Any audience: the caller asks about the token, it is not presenting it to us.
                claims = jwt_access_token_verify(
                    token_value, uri=request.build_absolute_uri(), any_audience=True
                ).claims
            except InvalidToken:
                # Stored and live, yet no longer verifiable (its key dropped): resource servers refuse it too.
                return {"active": False}
            # RFC 9068 access tokens: the members an offline verifier would read, from the token itself.
            data.update({name: claims[name] for name in ("jti", "aud", "sub", "iss", "exp", "iat") if name in claims})
            if "auth_time" in claims:
                data["auth_time"] = claims["auth_time"]
        return data
