"""Access-token authentication for the API: DOT's, strict about where the token travels and how refusals read.

Bearer tokens (RFC 6750) and DPoP-bound tokens (RFC 9449 §7) alike, in the ``Authorization`` header only.
"""

from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext_lazy as _

from api.challenges import REALM, challenge_for
from api.exceptions import InvalidDPoPProof, InvalidRequest, InvalidToken, UseDPoPNonce
from idp.settings import idp_settings
from provider.dpop import ProofRefused, dpop_proof_check
from token_cache.authentication import OAuth2Authentication

SCHEMES = ("bearer", "dpop")
MALFORMED = {
    "bearer": _("Send the access token as 'Authorization: Bearer <token>'."),
    "dpop": _("Send the access token as 'Authorization: DPoP <token>', with its proof in the DPoP header."),
}


class BearerTokenAuthentication(OAuth2Authentication):
    """Accept an access token from the ``Authorization: Bearer`` header only (RFC 6750 §2.1, RFC 9700 §4.3.2).

    Token checks stay the validator's (``validate_bearer_token``, whose checks a cached token gets on its
    record: token_cache.authentication). ``request.auth`` is then the token's immutable record
    (token_cache.records.BearerToken: ``scope``, ``user_id``, ``application_id``, ``allow_scopes()``...),
    never a model instance, and ``request.user`` an instance of its user made for this request. What this
    class adds is what DOT leaves to each project: tokens elsewhere count as no token, a refused token
    raises a typed ``invalid_token`` error, and the challenge follows RFC 6750 §3.

    ``Authorization: DPoP <token>`` (RFC 9449 §7.1) is accepted with a ``DPoP`` proof header: the proof is
    checked for this request (``htm``, ``htu``, ``ath`` the token's hash, a fresh ``jti``) and its key must
    be the one the token is bound to; a bound token sent as ``Bearer``, or an unbound one sent as ``DPoP``, is
    ``invalid_token`` (token_cache.records.dpop_binding_refusal). The binding is on the token's cached record,
    so the check costs no query; the proof's signature and its ``jti`` in the shared cache are the extra cost.
    A DPoP request's refusals carry a ``DPoP`` challenge with the accepted ``algs``, a bearer request's the
    ``Bearer`` one.
    """

    www_authenticate_realm = REALM

    def authenticate(self, request):
        # Read from Django's request: DRF's answers Django's attributes only after a failed lookup of its own.
        meta = request._request.META
        header = meta.get("HTTP_AUTHORIZATION", "")
        if isinstance(header, bytes):  # a WSGI server passes latin-1 decoded text; tests may pass bytes
            header = header.decode("latin-1")
        scheme, _sep, credentials = header.partition(" ")
        scheme = scheme.lower()
        if scheme not in SCHEMES:
            # A token in the query string or a form body is never looked at: such tokens end up in logs,
            # browser history and Referer headers (RFC 9700 §4.3.2), so the request is simply anonymous.
            return None
        # Which challenge a refusal carries (api.challenges.challenge_for): the scheme the client used.
        request.authorization_scheme = scheme
        words = credentials.split()
        if len(words) != 1:
            self._refuse(request, InvalidRequest(MALFORMED[scheme]))
        # Most calls have no query string and no body: then no QueryDict is built or read.
        if (meta.get("QUERY_STRING") and "access_token" in request.query_params) or (
            meta.get("CONTENT_TYPE") and "access_token" in self._form_fields(request)
        ):
            # RFC 6750 §3.1: a request that uses more than one method to send a token is invalid_request.
            self._refuse(
                request,
                InvalidRequest(
                    _("Send the access token in the Authorization header only, not also in the URL or body.")
                ),
            )

        proof_jkt = self._proof_jkt(request, words[0]) if scheme == "dpop" else None
        # The header is exactly "<scheme> <token>" here: the check below need not parse it again.
        authenticated = self.authenticate_bearer(request, words[0], proof_jkt=proof_jkt)
        if authenticated is None:
            error = getattr(request, "oauth2_error", None) or {}
            self._refuse(request, InvalidToken(error.get("error_description") or None))
        user, token = authenticated
        if user is None:
            # A client-credentials token speaks for no user: an anonymous user keeps request.user usable,
            # and the permissions of each view decide whether such a token may be used there.
            return AnonymousUser(), token
        if token.user_active is False:
            # Deactivation revokes tokens too; this is the backstop should a token outlive that. The record
            # says it (read with the user's row, and dropped with it when the row changes), so the user
            # instance is not made here: request.user is made when something reads it.
            self._refuse(request, InvalidToken(_("The access token is no longer valid.")))
        return user, token

    def authenticate_header(self, request):
        """The 401 challenge: bare ``Bearer realm="api"`` without a token, else with the error (RFC 6750 §3.1);
        ``DPoP`` with ``algs`` for a request that used that scheme (RFC 9449 §7.1)."""
        error = getattr(request, "oauth2_error", None) or {}
        return challenge_for(
            request, error=error.get("error", ""), error_description=error.get("error_description", "")
        )

    def _proof_jkt(self, request, token: str) -> str:
        """The key thumbprint of this request's DPoP proof for ``token``; a missing or bad proof is refused."""
        http_request = request._request
        proof = http_request.META.get("HTTP_DPOP")
        if not proof:
            self._refuse(request, InvalidDPoPProof(_("The DPoP scheme needs a DPoP proof header.")))
        try:
            checked = dpop_proof_check(
                proof,
                method=http_request.method,
                uri=http_request.build_absolute_uri(http_request.path),
                access_token=token,
                nonce_required=idp_settings.DPOP_NONCE_REQUIRED,
            )
        except ProofRefused as error:
            self._refuse(request, UseDPoPNonce() if error.error == "use_dpop_nonce" else InvalidDPoPProof(str(error)))
        return checked.jkt

    @staticmethod
    def _form_fields(request):
        # Only form bodies can carry a token (RFC 6750 §2.2); read Django's parsed form, never a JSON body.
        return request._request.POST if request.content_type.startswith("application/x-www-form-urlencoded") else {}

    @staticmethod
    def _refuse(request, exc: InvalidToken | InvalidRequest | InvalidDPoPProof | UseDPoPNonce):
        request.oauth2_error = {"error": exc.default_code, "error_description": str(exc.detail)}
        raise exc
