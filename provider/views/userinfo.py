"""The OIDC userinfo endpoint, with every refusal as RFC 6750 §3.1 words it.

DOT's view lets oauthlib answer: no token, a malformed header, a token without ``openid`` all came back
as ``401 invalid_token``, a token in the URL was read (DOT enforces COMPLIANT_BCP_RFC9700_ACCESS_TOKEN_TRANSPORT
in ``verify_request`` only) and a token in the header and the body was accepted. Here the request is
checked before DOT's view runs, the way the API checks it (api.authentication):

* the token travels in the ``Authorization: Bearer`` header only (RFC 6750 §2.1). One in the query
  string (OAuth 2.1 §5.2, RFC 9700 §4.3.2) or in a form body (RFC 6750 §2.2 makes that method
  optional; it is not offered, as at the API) is not looked at: the request counts as carrying no token;
* no token: ``401`` and a bare ``Bearer realm="userinfo"`` challenge, no error code (§3.1);
* a malformed header, or a token sent in more than one way: ``400 invalid_request``;
* an unknown, expired, revoked token, or one whose user or client was disabled: ``401 invalid_token``;
* a valid token without the ``openid`` scope: ``403 insufficient_scope`` with ``scope="openid"``
  (OIDC Core §5.3.3 refers to RFC 6750 §3.1).

A DPoP-bound token (RFC 9449 §7) comes as ``Authorization: DPoP <token>`` with a proof of its key, checked
as the API checks it (provider.dpop); its refusals carry a ``DPoP`` challenge. A bound token sent as
``Bearer`` is ``invalid_token``, and so is an unbound one sent as ``DPoP`` (the validator's binding check).
"""

from django.http import HttpRequest, HttpResponse, JsonResponse
from oauth2_provider.oauth2_backends import get_oauthlib_core
from oauth2_provider.views import UserInfoView as DOTUserInfoView
from oauth2_provider.www_authenticate import build_bearer_challenge

from idp.settings import idp_settings
from provider.dpop import ProofRefused, dpop_challenge, dpop_nonce, dpop_proof_check
from provider.responses import no_store
from provider.state import TokenRequestState, token_request

REALM = "userinfo"
REQUIRED_SCOPE = "openid"
# RFC 6750 §3.1: the HTTP status of each error code.
STATUS = {"invalid_request": 400, "invalid_token": 401, "insufficient_scope": 403}
SCHEMES = ("bearer", "dpop")
MALFORMED = {
    "bearer": "Send the access token as 'Authorization: Bearer <token>'.",
    "dpop": "Send the access token as 'Authorization: DPoP <token>', with its proof in the DPoP header.",
}
FORM = "application/x-www-form-urlencoded"


class UserInfoView(DOTUserInfoView):
    """DOT's userinfo view behind RFC 6750's refusals; claims never cached."""

    def _create_userinfo_response(self, request: HttpRequest) -> HttpResponse:
        # One state for the oauthlib requests DOT builds from this one: a verified proof's key travels in it
        # to the validator's binding check (provider.validator.validate_bearer_token).
        with token_request() as state:
            refusal = self._refusal(request, state)
            response = refusal if refusal is not None else super()._create_userinfo_response(request)
        # Personal data: no shared or browser cache may keep it.
        return no_store(response)

    def _refusal(self, request: HttpRequest, state: TokenRequestState) -> HttpResponse | None:
        scheme, _sep, credentials = request.headers.get("Authorization", "").partition(" ")
        scheme = scheme.lower()
        if scheme not in SCHEMES:
            # A token elsewhere (query string, form body) or another scheme: as if there were no token.
            return _challenge(request, None)
        if len(credentials.split()) != 1:
            return _challenge(request, _error("invalid_request", MALFORMED[scheme]), scheme)
        in_body = request.content_type == FORM and "access_token" in request.POST
        if "access_token" in request.GET or in_body:
            # RFC 6750 §3.1: more than one method of sending a token is invalid_request.
            return _challenge(
                request,
                _error(
                    "invalid_request",
                    "Send the access token in the Authorization header only, not also in the URL or body.",
                ),
                scheme,
            )
        if scheme == "dpop":
            token = credentials.strip()
            try:
                proof = dpop_proof_check(
                    request.headers.get("DPoP", ""),
                    method=request.method,
                    uri=request.build_absolute_uri(request.path),
                    access_token=token,
                    nonce_required=idp_settings.DPOP_NONCE_REQUIRED,
                )
            except ProofRefused as error:
                return _challenge(request, _error(error.error, str(error)), scheme)
            state.dpop_jkt = proof.jkt
            # oauthlib's userinfo endpoint reads a token from the Bearer scheme only (get_token_from_header).
            # The proof is checked and its key is in the state, so the token goes on to DOT as Bearer.
            request.META["HTTP_AUTHORIZATION"] = f"Bearer {token}"
        valid, checked = get_oauthlib_core().verify_request(request, scopes=[REQUIRED_SCOPE])
        if valid:
            return None
        error = getattr(checked, "oauth2_error", None) or _error("invalid_token", "The access token is invalid.")
        if error.get("error") == "insufficient_scope":
            error = {**error, "scope": REQUIRED_SCOPE}
        return _challenge(request, error, scheme)


def _error(code: str, description: str) -> dict:
    return {"error": code, "error_description": description}


def _challenge(request: HttpRequest, error: dict | None, scheme: str = "bearer") -> HttpResponse:
    """The refusal: a bare 401 challenge without an error, else the error's status, challenge and JSON body.

    In the scheme the token came with: ``DPoP`` with ``algs`` (RFC 9449 §7.1), else ``Bearer`` (RFC 6750 §3).
    """
    if scheme == "dpop":
        challenge = dpop_challenge(realm=REALM, **(error or {}))
    else:
        challenge = build_bearer_challenge(request, error, realm=REALM, resource_metadata_url=None)
    if error is None:
        response = HttpResponse(status=401)
    else:
        response = JsonResponse(error, status=STATUS.get(error["error"], 401))
    response["WWW-Authenticate"] = challenge
    if error is not None and error["error"] == "use_dpop_nonce":
        response["DPoP-Nonce"] = dpop_nonce()  # RFC 9449 §9: the nonce for the next proof
    return response
