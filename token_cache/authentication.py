"""DOT's DRF authentication without oauthlib's per-request set-up: the bearer token goes to the validator directly.

For every request DOT's ``OAuth2Authentication`` builds a validator and a whole OpenID Connect server
(``get_oauthlib_core()``: every grant, token type and endpoint), copies the WSGI environ and the form
body into an oauthlib request, and lets oauthlib guess the token type, only to call the validator's
``validate_bearer_token``. Measured on this project, that set-up cost more than the token check and
about half as much as DRF itself (see docs/benchmarks.md). Here:

* the oauthlib server is built once per process, as DOT's own views do (``OAuthLibMixin.get_oauthlib_core``);
  validator and server keep no per-request state, so every request and thread can share them;
* a request carrying exactly ``Authorization: Bearer <token>`` (oauthlib's own test for a bearer
  token) whose token this process has cached is checked on its record (token_cache.records) by
  ``bearer_token_refusal``, the function the validator's ``validate_bearer_token`` itself applies:
  the same checks, without a query, a model instance for the token or an oauthlib request;
* a token the database did not have a moment ago (token_cache.cache.RefusedTokens) is refused as
  ``bearer_token_refusal`` refuses a missing token, again without a query or an oauthlib request;
* a token not cached goes straight to ``validate_bearer_token`` with an oauthlib request holding just
  that header and the absolute URI, which is all that validation reads;
* a JWT access token (RFC 9068) is first checked on its own (signature, ``typ``, issuer, audience,
  dates: provider.jwt_access_tokens, no query), then takes the same two paths as an opaque token;
* anything else (no header, another scheme, a token in the body) takes DOT's full path, so
  oauthlib keeps deciding every unusual case.

Whichever way it went, ``request.auth`` is the token's record and ``request.user`` its user (an instance
made for this request).
"""

import threading
from dataclasses import dataclass

from django.core.exceptions import SuspiciousOperation
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject
from oauth2_provider.bcp import bcp_compliant
from oauth2_provider.contrib.rest_framework import OAuth2Authentication as DOTOAuth2Authentication
from oauth2_provider.oauth2_backends import OAuthLibCore, get_oauthlib_core
from oauth2_provider.settings import oauth2_settings
from oauthlib.common import Request as OAuthlibRequest
from rest_framework.request import Request

from provider.jwt_access_tokens import jwt_access_token_refusal, looks_like_jwt
from provider.state import dpop_proof_verified
from token_cache.cache import access_tokens
from token_cache.records import BearerToken, bearer_token_refusal
from token_cache.selectors import user_cached
from tokens.checksums import sha256_hex

_core: OAuthLibCore | None = None
_core_lock = threading.Lock()


def oauthlib_core() -> OAuthLibCore:
    """This process's OAuthLibCore, built on first use (rebuilt when the OAUTH2_PROVIDER setting changes)."""
    global _core  # one per process, like DOT's per-view-class cache
    core = _core
    if core is None or oauth2_settings.ALWAYS_RELOAD_OAUTHLIB_CORE:
        with _core_lock:
            core = _core = get_oauthlib_core()
    return core


@receiver(setting_changed, dispatch_uid="token_cache.reset_oauthlib_core")
def _reset_oauthlib_core(setting: str, **kwargs) -> None:
    # Tests swap validator or server classes with override_settings; DOT reloads its settings then too.
    global _core  # one per process, like DOT's per-view-class cache
    if setting == "OAUTH2_PROVIDER":
        _core = None


@dataclass(slots=True)
class BearerCheck:
    """What a bearer-token check established: the token's record and its user when valid, else the RFC 6750 error."""

    valid: bool
    user: object = None
    access_token: BearerToken | None = None
    oauth2_error: dict | None = None  # None: no details (made once per request, so no default_factory)

    @classmethod
    def of(cls, valid: bool, oauthlib_request: OAuthlibRequest | None) -> "BearerCheck":
        if valid:
            return cls(True, oauthlib_request.user, oauthlib_request.access_token)
        return cls(False, oauth2_error=getattr(oauthlib_request, "oauth2_error", {}))


def bearer_request_verify(
    request: HttpRequest | Request, token: str | None = None, *, proof_jkt: str | None = None
) -> BearerCheck:
    """What ``OAuthLibCore.verify_request(request, scopes=[])`` answers, minus its per-request set-up.

    ``token`` is the bearer token when the caller has already found the Authorization header to be
    exactly ``Bearer <token>``; it is then not parsed a second time. ``proof_jkt`` is the key thumbprint
    of the DPoP proof the caller verified for ``token`` (``Authorization: DPoP``, RFC 9449 §7.1), None for
    a bearer presentation: a bound token is valid only with a proof of its key (records.dpop_binding_refusal).
    """
    enabled = access_tokens.settings.enabled
    if not enabled and proof_jkt is None:
        # DOT's behaviour exactly, per-request server included (the benchmark's baseline).
        return BearerCheck.of(*get_oauthlib_core().verify_request(request, scopes=[]))
    # DRF's Request answers Django's attributes through a failed lookup first: read them from Django's.
    http_request = request._request if isinstance(request, Request) else request
    if token is None:
        parts = http_request.META.get("HTTP_AUTHORIZATION", "").split()
        if len(parts) == 2 and parts[0].lower() == "bearer":
            token = parts[1]
    if token is None:
        return BearerCheck.of(*oauthlib_core().verify_request(request, scopes=[]))
    # RFC 9700 §4.3.2 / RFC 6750 §5.3, as in DOT's verify_request: no token in the query string.
    if (
        http_request.META.get("QUERY_STRING")
        and "access_token" in http_request.GET
        and bcp_compliant(
            "COMPLIANT_BCP_RFC9700_ACCESS_TOKEN_TRANSPORT",
            "Presenting an OAuth 2.0 access token in the URI query string",
        )
    ):
        return BearerCheck(False)
    if looks_like_jwt(token):
        # The URI is built only for a token bound to resources; the issuer needs just the origin.
        origin = f"{http_request.scheme}://{http_request.get_host()}"
        refusal = jwt_access_token_refusal(
            token, uri=lambda: _absolute_uri(http_request), origin=origin, proof_jkt=proof_jkt
        )
        if refusal is not None:
            return BearerCheck(False, oauth2_error=refusal)
    checksum = sha256_hex(token)
    # Switched off (reached only for a DPoP presentation, which oauthlib cannot parse): straight to the validator.
    cached = None
    if enabled:
        access_tokens.sync()
        cached = access_tokens.token(checksum)
    if cached is not None:
        # Only a token bound to resources needs the URI (RFC 8707); the rest are spared building it.
        uri = _absolute_uri(http_request) if cached.resource else None
        refusal = bearer_token_refusal(token=cached, scopes=(), uri=uri, proof_jkt=proof_jkt)
        if refusal is not None:
            return BearerCheck(False, oauth2_error=refusal)
        if cached.user_id is None:
            return BearerCheck(True, None, cached)
        row = access_tokens.user_row(cached.user_id)
        if row is not None:
            # The instance is made from the row as it is now, when the view first reads request.user (as
            # Django's AuthenticationMiddleware makes request.user): a view, permission or throttle that
            # reads only the token's record (request.auth) builds none.
            return BearerCheck(True, SimpleLazyObject(row.instance), cached)
        user = user_cached(user_id=cached.user_id)
        if user is not None:
            return BearerCheck(True, user, cached)
        # The user row is gone (its deletion, and its tokens', is on its way through the feed).
    elif enabled and access_tokens.is_refused(checksum):
        # Unknown to the database a moment ago: refused as the validator would, without its set-up.
        return BearerCheck(False, oauth2_error=bearer_token_refusal(token=None, scopes=(), uri=None))
    headers = {"Authorization": http_request.META["HTTP_AUTHORIZATION"]}
    oauthlib_request = OAuthlibRequest(_absolute_uri(http_request), http_method=http_request.method, headers=headers)
    oauthlib_request.scopes = []
    # The proof the caller verified, for the validator's binding check (provider.validator.validate_bearer_token).
    dpop_proof_verified(oauthlib_request, jkt=proof_jkt)
    valid = oauthlib_core().server.request_validator.validate_bearer_token(token, [], oauthlib_request)
    return BearerCheck.of(valid, oauthlib_request)


def _absolute_uri(http_request: HttpRequest) -> str:
    # Absolute, as DOT builds it: RFC 8707 audience checks compare it with the token's resources.
    return http_request.build_absolute_uri(oauthlib_core()._get_escaped_full_path(http_request))


class OAuth2Authentication(DOTOAuth2Authentication):
    """DOT's bearer-token authentication for DRF, verified through ``bearer_request_verify``."""

    def authenticate(self, request):
        # DOT's method, except for the verification call (DOT offers no hook for it).
        if request is None:
            return None
        return self.authenticate_bearer(request)

    def authenticate_bearer(self, request: Request, token: str | None = None, *, proof_jkt: str | None = None):
        """``authenticate``, for a caller that may already have read ``token`` from ``Authorization: Bearer``
        (or ``Authorization: DPoP``, with the verified proof's key thumbprint)."""
        try:
            check = bearer_request_verify(request, token, proof_jkt=proof_jkt)
        except ValueError as error:
            if str(error) == "Invalid hex encoding in query string.":
                raise SuspiciousOperation(error) from error
            raise
        if check.valid:
            return check.user, check.access_token
        request.oauth2_error = check.oauth2_error or {}
        return None
