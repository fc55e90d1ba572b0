"""The OIDC userinfo endpoint, refusing access tokens in the URL as every other protected endpoint does.

DOT enforces COMPLIANT_BCP_RFC9700_ACCESS_TOKEN_TRANSPORT in ``verify_request`` only; its userinfo view
goes through oauthlib directly and so still read ``?access_token=``. A token in a URL ends up in access
logs, browser history and Referer headers (RFC 9700 §4.3.2).
"""

from django.http import HttpRequest, HttpResponse, JsonResponse
from oauth2_provider.views import UserInfoView as DOTUserInfoView

from provider.responses import no_store


class UserInfoView(DOTUserInfoView):
    """DOT's userinfo view: header (or form body) tokens only, and never cached."""

    def _create_userinfo_response(self, request: HttpRequest) -> HttpResponse:
        if "access_token" in request.GET:
            response = self._query_token_refusal(request)
        else:
            response = super()._create_userinfo_response(request)
        # Personal data: no shared or browser cache may keep it.
        return no_store(response)

    @staticmethod
    def _query_token_refusal(request: HttpRequest) -> HttpResponse:
        if "Authorization" in request.headers:
            # RFC 6750 §3.1: more than one method of sending a token is invalid_request (400).
            error = {
                "error": "invalid_request",
                "error_description": "Send the access token in the Authorization header only, not also in the URL.",
            }
            response = JsonResponse(error, status=400)
            response["WWW-Authenticate"] = 'Bearer error="invalid_request"'
            return response
        # RFC 6750 §3.1: an unsupported way of authenticating is answered like no authentication at all.
        response = HttpResponse(status=401)
        response["WWW-Authenticate"] = "Bearer"
        return response
