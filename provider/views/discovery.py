"""The two discovery documents (OIDC Discovery 1.0 and RFC 8414), completed so each states what is enforced.

DOT's documents leave out a few things this provider does: the device authorization endpoint (RFC 8628
§4), and in the OIDC one the grant types, revocation and introspection endpoints. They also claim more
than is true: HS256 ID tokens (impossible with hashed client secrets, which DOT refuses for HS256),
``none`` as a way to authenticate at the introspection endpoint, and (by the specs' defaults) fragment
responses and ``request_uri`` support. The OIDC document takes the shared entries from the RFC 8414 one, so the two
cannot drift apart.
"""

import json

from django.http import HttpRequest, JsonResponse
from oauth2_provider.views import ConnectDiscoveryInfoView as DOTConnectDiscoveryInfoView
from oauth2_provider.views import OAuthServerMetadataView as DOTOAuthServerMetadataView

from idp.settings import idp_settings
from provider import dpop
from provider.acr import ACR_VALUES_SUPPORTED
from provider.authorization_request import DISPLAY_VALUES, supported_prompt_values
from provider.client_assertions import CLIENT_SECRET_JWT, HMAC_ALGORITHMS, PRIVATE_KEY_JWT, SIGNING_ALGORITHMS

# Introspection is for resource servers holding a secret (provider.views.introspection); a public client can't.
INTROSPECTION_AUTH_METHODS = ["client_secret_basic", "client_secret_post", PRIVATE_KEY_JWT, CLIENT_SECRET_JWT]
JWT_AUTH_METHODS = (PRIVATE_KEY_JWT, CLIENT_SECRET_JWT)
# Entries of the RFC 8414 document that the OIDC one lacks and copies verbatim.
SHARED_ENTRIES = (
    "grant_types_supported",
    "revocation_endpoint",
    "revocation_endpoint_auth_methods_supported",
    "introspection_endpoint",
    "introspection_endpoint_auth_methods_supported",
    "device_authorization_endpoint",
    "authorization_response_iss_parameter_supported",
    "response_modes_supported",
    "pushed_authorization_request_endpoint",
    "require_pushed_authorization_requests",
    "token_endpoint_auth_methods_supported",
    "token_endpoint_auth_signing_alg_values_supported",
    "revocation_endpoint_auth_signing_alg_values_supported",
    "introspection_endpoint_auth_signing_alg_values_supported",
    "dpop_signing_alg_values_supported",
)


def _json_response(data: dict) -> JsonResponse:
    response = JsonResponse(data)
    # Public documents any browser-based client may read (as DOT serves them).
    response["Access-Control-Allow-Origin"] = "*"
    return response


class OAuthServerMetadataView(DOTOAuthServerMetadataView):
    """RFC 8414 authorization server metadata, with the device endpoint and honest introspection auth."""

    def metadata(self, request: HttpRequest) -> dict:
        data = json.loads(super().get(request).content)
        data["device_authorization_endpoint"] = self._get_endpoint_url(request, "device-authorization", required=True)
        data["introspection_endpoint_auth_methods_supported"] = INTROSPECTION_AUTH_METHODS
        # The code always comes back in the query string (a response_mode=fragment request is answered in
        # the query too), so say so instead of leaving the default of ["query", "fragment"].
        data["response_modes_supported"] = ["query"]
        # RFC 9126 §5: the PAR endpoint, and whether every client must use it (an admin may also require it of one).
        data["pushed_authorization_request_endpoint"] = self._get_endpoint_url(
            request, "pushed-authorization", required=True
        )
        data["require_pushed_authorization_requests"] = idp_settings.REQUIRE_PUSHED_AUTHORIZATION_REQUESTS
        # Signed JWTs at every endpoint that authenticates clients (provider.client_assertions): private_key_jwt,
        # and client_secret_jwt for the clients an admin registered for it (their secret is kept encrypted).
        for endpoint in ("token", "revocation"):
            listed = data.get(f"{endpoint}_endpoint_auth_methods_supported", [])
            methods = [m for m in listed if m not in JWT_AUTH_METHODS]
            data[f"{endpoint}_endpoint_auth_methods_supported"] = [*methods, *JWT_AUTH_METHODS]
        for endpoint in ("token", "revocation", "introspection"):
            data[f"{endpoint}_endpoint_auth_signing_alg_values_supported"] = [*SIGNING_ALGORITHMS, *HMAC_ALGORITHMS]
        # RFC 9449 §5.1: DPoP proofs are accepted at the token endpoint and the API, signed with these.
        data["dpop_signing_alg_values_supported"] = list(dpop.SIGNING_ALGORITHMS)
        return data

    def get(self, request: HttpRequest, *args, **kwargs) -> JsonResponse:
        return _json_response(self.metadata(request))


class ConnectDiscoveryInfoView(DOTConnectDiscoveryInfoView):
    """OIDC discovery: DOT's document plus the RFC 8414 entries it lacks, and only RS256 ID tokens."""

    def get(self, request: HttpRequest, *args, **kwargs) -> JsonResponse:
        data = json.loads(super().get(request, *args, **kwargs).content)
        server_metadata = OAuthServerMetadataView().metadata(request)
        data.update({key: server_metadata[key] for key in SHARED_ENTRIES if key in server_metadata})
        data["id_token_signing_alg_values_supported"] = ["RS256"]
        # Not implemented, so say so: OIDC Discovery defaults request_uri_parameter_supported to true. That
        # entry is about request objects a client hosts (OIDC Core §6.2); the request_uri of a pushed request
        # (RFC 9126) is announced by pushed_authorization_request_endpoint instead.
        data["request_parameter_supported"] = False
        data["request_uri_parameter_supported"] = False
        data["claims_parameter_supported"] = False
        # Exactly the values honoured (provider.authorization_request): none, login, consent (the page
        # despite remembered consent); select_account is answered account_selection_required.
        data["prompt_values_supported"] = supported_prompt_values()
        # provider.acr: what acr_values may ask for, and the ID token's acr and amr.
        data["acr_values_supported"] = ACR_VALUES_SUPPORTED
        data["claims_supported"] = sorted({*data.get("claims_supported", []), "acr", "amr", "auth_time"})
        # OIDC Back-Channel Logout 1.0 §2.1 (provider.backchannel_logout): logout tokens always carry sid.
        data["backchannel_logout_supported"] = True
        data["backchannel_logout_session_supported"] = True
        # Every OIDC Core display value is accepted (one responsive page serves them all); others are refused.
        data["display_values_supported"] = list(DISPLAY_VALUES)
        return _json_response(data)
