"""DPoP at the token endpoint (RFC 9449 §5, §10): the proof checked, the tokens bound to its key, the rules kept.

The proof itself is checked by provider.dpop; this module is where the token endpoint uses it:

* ``endpoint_request_proof``: provider.views.token.TokenView (and the PAR endpoint, where a proof binds the
  code to its key, §10.1) checks a ``DPoP`` header before oauthlib sees the request (``htm`` POST, ``htu``
  the endpoint's URL), so a bad proof is ``400 invalid_dpop_proof`` and consumes no code or refresh token;
  a missing or stale nonce, when the server demands them, is ``400 use_dpop_nonce`` with a ``DPoP-Nonce``
  header (§8). A good proof's thumbprint goes into the request state (provider.state), where every later
  hook reads it.
* ``dpop_required_check``: provider.server registers it as a ``post_token`` validator of every grant, so it
  runs once the client is authenticated: a client an admin set to ``dpop_bound_access_tokens`` (§5.2) is
  refused without a proof.
* ``bound_grant_refusal``: the validator asks it about a refresh token whose chain is bound (§5, public
  clients only) and about a code bound by ``dpop_jkt`` (§10).

The binding itself is written by the validator (provider.validator: ``token_type`` DPoP, a
tokens.models.DPoPBinding row per access token, ``TokenFamily.dpop_jkt``) and, for JWT access tokens,
by provider.jwt_access_tokens (the ``cnf.jkt`` claim, RFC 9449 §6.1).
"""

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from oauthlib.common import Request
from oauthlib.oauth2.rfc6749.errors import OAuth2Error

from idp.settings import idp_settings
from provider.dpop import Proof, ProofRefused, dpop_nonce, dpop_proof_check
from provider.responses import protocol_error
from provider.state import request_state

DPOP_TOKEN_TYPE = "DPoP"  # noqa: S105 - RFC 9449 §5.1 token_type, not a secret
NONCE_HEADER = "DPoP-Nonce"


class InvalidDPoPProofError(OAuth2Error):
    """RFC 9449 §5 / §12.2 invalid_dpop_proof: the token request's DPoP proof is missing or not acceptable."""

    error = "invalid_dpop_proof"
    status_code = 400


def endpoint_request_proof(request: HttpRequest) -> Proof | None:
    """The verified proof of a token or PAR request, None without a ``DPoP`` header; ProofRefused says why not."""
    proof = request.headers.get("DPoP")
    if proof is None:
        return None
    return dpop_proof_check(
        proof,
        method=request.method,
        # RFC 9449 §4.3 item 9: the URI of this request, without query and fragment (dpop_proof_check drops them).
        uri=request.build_absolute_uri(request.path),
        nonce_required=idp_settings.DPOP_NONCE_REQUIRED,
    )


def proof_refused_response(error: ProofRefused) -> HttpResponse:
    """The token endpoint's refusal of a proof: RFC 6749 §5.2 JSON, 400, a nonce to retry with when one is due."""
    response = protocol_error(error.error, str(error))
    if error.error == "use_dpop_nonce":
        response[NONCE_HEADER] = dpop_nonce()
    return response


def with_fresh_nonce(response: HttpResponse, request: HttpRequest) -> HttpResponse:
    """RFC 9449 §8.2: while nonces are demanded, every answer to a DPoP request hands out the current one."""
    if idp_settings.DPOP_NONCE_REQUIRED and "DPoP" in request.headers and NONCE_HEADER not in response:
        response[NONCE_HEADER] = dpop_nonce()
    return response


def dpop_required_check(request: Request) -> dict:
    """oauthlib ``post_token`` validator: a client registered with ``dpop_bound_access_tokens`` must send a proof.

    RFC 9449 §5.2: the server "MUST reject token requests from the client that do not contain the DPoP
    header". The RFC names no error code for that; ``invalid_dpop_proof`` is its code for a token request
    whose proof is not acceptable (§5), and an absent proof is not.
    """
    if getattr(request.client, "dpop_bound_access_tokens", False) and request_state(request).dpop_jkt is None:
        raise InvalidDPoPProofError(
            description=_("This client must send a DPoP proof with every token request."), request=request
        )
    return {}


def bound_grant_refusal(*, what: str, bound_jkt: str | None, proof_jkt: str | None) -> str | None:
    """Why a grant (``what``: "refresh token", "authorization code") bound to ``bound_jkt`` is refused with this
    request's proof key, or None.

    RFC 9449 §5 (public clients' refresh tokens) and §10 (a code bound by ``dpop_jkt``): the grant is usable
    only by a request proving possession of that key. The RFC names no error code; no proof, or a proof of
    another key, is invalid_grant, exactly like a grant that is not the client's (RFC 6749 §5.2).
    """
    if not bound_jkt:
        return None
    if proof_jkt is None:
        return f"The {what} is bound to a DPoP key: send a DPoP proof of that key."
    if proof_jkt != bound_jkt:
        return f"The {what} is bound to another DPoP key."
    return None
