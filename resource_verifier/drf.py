"""Django REST framework classes for a resource server that verifies JWT access tokens offline.

Settings (the resource server's own Django settings)::

    RESOURCE_VERIFIER = {
        "ISSUER": "https://idp.example.com/o",        # the provider's issuer, exactly as in its tokens
        "AUDIENCE": "https://notes.example.com/",      # this resource server's identifier (RFC 8707 resource)
        "JWKS_URI": "",                                # empty: read from the issuer's discovery document
        "REALM": "api",
        "JWKS_MAX_AGE_SECONDS": 300,
        "JWKS_MIN_REFETCH_SECONDS": 30,
        "DPOP_CACHE_ALIAS": "default",
    }

    REST_FRAMEWORK = {
        "DEFAULT_AUTHENTICATION_CLASSES": ["resource_verifier.drf.JWTAccessTokenAuthentication"],
        "DEFAULT_PERMISSION_CLASSES": ["resource_verifier.drf.HasRequiredScopes"],
        "EXCEPTION_HANDLER": "resource_verifier.drf.exception_handler",
    }

A DPoP-bound token (its ``cnf.jkt``, RFC 9449 §6.1) is accepted only as ``Authorization: DPoP <token>`` with a
``DPoP`` proof of that key for this request (§7.1): each proof's ``jti`` is remembered in the Django cache
``DPOP_CACHE_ALIAS`` (it must be shared by the service's processes), so a replay is refused. A bound token sent
as ``Bearer``, or an unbound one sent as ``DPoP``, is ``invalid_token``. Server nonces (§9) are not offered.

A view lists the scopes it needs in ``required_scopes``. ``request.user`` is a :class:`TokenUser` (the
token's ``sub``, no database row), ``request.auth`` the verified :class:`~resource_verifier.AccessToken`.
"""

import json
import threading
import time

from django.conf import settings
from django.core.cache import caches
from django.core.signals import setting_changed
from django.dispatch import receiver
from rest_framework import exceptions, permissions
from rest_framework.authentication import BaseAuthentication

from resource_verifier.challenges import bearer_challenge, dpop_challenge
from resource_verifier.dpop import IAT_WINDOW_SECONDS, SIGNING_ALGORITHMS, InvalidProof, jti_key, verify_dpop_proof
from resource_verifier.jwks import JwksCache, http_get
from resource_verifier.verification import AccessToken, InsufficientScope, InvalidToken, verify_access_token

DEFAULTS = {
    "ISSUER": "",
    "AUDIENCE": "",
    "JWKS_URI": "",
    "REALM": "api",
    "JWKS_MAX_AGE_SECONDS": 300.0,
    "JWKS_MIN_REFETCH_SECONDS": 30.0,
    "LEEWAY_SECONDS": 30,
    "DPOP_CACHE_ALIAS": "default",
}


class Verifier:
    """The configured issuer, audience and key cache of this process."""

    def __init__(self, config: dict):
        self.config = {**DEFAULTS, **config}
        if not self.config["ISSUER"] or not self.config["AUDIENCE"]:
            raise exceptions.APIException("RESOURCE_VERIFIER needs ISSUER and AUDIENCE.")
        self._jwks: JwksCache | None = None
        self._lock = threading.Lock()
        self._discovery_failed_at = -float("inf")

    def jwks(self) -> JwksCache:
        if self._jwks is None:
            with self._lock:
                if self._jwks is None:
                    uri = self.config["JWKS_URI"] or self._discovered_jwks_uri()
                    self._jwks = JwksCache(
                        uri,
                        max_age=self.config["JWKS_MAX_AGE_SECONDS"],
                        min_refetch_interval=self.config["JWKS_MIN_REFETCH_SECONDS"],
                    )
        return self._jwks

    def verify(self, token: str) -> AccessToken:
        return verify_access_token(
            token,
            key_for=lambda kid: self.jwks().key(kid),  # keys fetched only for a token that could use them
            issuer=self.config["ISSUER"],
            audience_allowed=self.config["AUDIENCE"],
            leeway=self.config["LEEWAY_SECONDS"],
        )

    def _discovered_jwks_uri(self) -> str:
        # OIDC Discovery: the issuer publishes where its keys are. Asked at most once per refetch interval
        # while it fails, so an unreachable provider is not asked again by every request.
        if time.monotonic() - self._discovery_failed_at < self.config["JWKS_MIN_REFETCH_SECONDS"]:
            raise ProviderUnavailable()
        try:
            body = http_get(self.config["ISSUER"].rstrip("/") + "/.well-known/openid-configuration", 5.0)
            return json.loads(body)["jwks_uri"]
        except (OSError, ValueError, KeyError, TypeError) as error:
            self._discovery_failed_at = time.monotonic()
            raise ProviderUnavailable() from error


class ProviderUnavailable(exceptions.APIException):
    """The provider's discovery document could not be read, so no token can be checked yet: 503, try later."""

    status_code = 503
    default_detail = "The authorization server's keys cannot be fetched right now; try again shortly."
    default_code = "temporarily_unavailable"


_verifier: Verifier | None = None


def verifier() -> Verifier:
    """This process's verifier, built from settings.RESOURCE_VERIFIER on first use."""
    global _verifier  # one key cache per process
    if _verifier is None:
        _verifier = Verifier(getattr(settings, "RESOURCE_VERIFIER", {}))
    return _verifier


@receiver(setting_changed, dispatch_uid="resource_verifier.settings_changed")
def _settings_changed(setting: str, **kwargs) -> None:
    global _verifier  # one key cache per process
    if setting == "RESOURCE_VERIFIER":
        _verifier = None


class TokenUser:
    """Who a verified token speaks for: its ``sub``, with no database row behind it."""

    is_authenticated = True
    is_anonymous = False
    is_active = True

    def __init__(self, access_token: AccessToken):
        self.access_token = access_token
        self.pk = self.id = self.username = access_token.subject

    def __str__(self) -> str:
        return self.username


class JWTAccessTokenAuthentication(BaseAuthentication):
    """``Authorization: Bearer <JWT access token>`` (or ``DPoP`` with a proof), verified offline; refusals carry
    RFC 6750 (or RFC 9449 §7.1) challenges."""

    def authenticate(self, request):
        header = request.META.get("HTTP_AUTHORIZATION", "")
        scheme, _sep, credentials = header.partition(" ")
        scheme = scheme.lower()
        if scheme not in ("bearer", "dpop"):
            return None
        request._resource_verifier_scheme = scheme
        words = credentials.split()
        if len(words) != 1:
            description = f"Send 'Authorization: {'DPoP' if scheme == 'dpop' else 'Bearer'} <token>'."
            request._resource_verifier_error = ("invalid_request", description)
            raise exceptions.AuthenticationFailed(description)
        try:
            access_token = verifier().verify(words[0])
            proof_jkt = _proof_jkt(request, words[0]) if scheme == "dpop" else None
            _check_binding(access_token, proof_jkt)
        except (InvalidToken, InvalidProof) as error:
            request._resource_verifier_error = (error.error, error.description)
            raise exceptions.AuthenticationFailed(error.description) from error
        return TokenUser(access_token), access_token

    def authenticate_header(self, request) -> str:
        error, description = getattr(request, "_resource_verifier_error", ("", ""))
        return _challenge(request, error=error, error_description=description)


def _proof_jkt(request, token: str) -> str:
    """The key thumbprint of the request's DPoP proof for ``token`` (RFC 9449 §7.1), used once; else InvalidProof."""
    proof = verify_dpop_proof(
        request.META.get("HTTP_DPOP", ""),
        method=request.method,
        uri=request.build_absolute_uri(request.path),
        access_token=token,
    )
    # RFC 9449 §11.1: each proof once. The entry outlives the iat window, after which the proof is stale anyway.
    if not caches[verifier().config["DPOP_CACHE_ALIAS"]].add(jti_key(proof), 1, timeout=2 * IAT_WINDOW_SECONDS + 5):
        raise InvalidProof("The DPoP proof was used before.")
    return proof.jkt


def _check_binding(access_token: AccessToken, proof_jkt: str | None) -> None:
    """RFC 9449 §7.1-7.2: a bound token needs a proof of its key; a proof goes only with a bound token."""
    if access_token.jkt is not None and proof_jkt is None:
        raise InvalidToken("The access token is bound to a DPoP key: present it with a DPoP proof.")
    if proof_jkt is not None and access_token.jkt is None:
        raise InvalidToken("The access token is not bound to a DPoP key: present it as a bearer token.")
    if proof_jkt is not None and proof_jkt != access_token.jkt:
        raise InvalidToken("The DPoP proof is signed by another key than the token is bound to.")


def _challenge(request, **params) -> str:
    """The challenge in the scheme the request used: ``DPoP`` with ``algs``, else ``Bearer``."""
    realm = verifier().config["REALM"]
    if getattr(request, "_resource_verifier_scheme", "") == "dpop":
        return dpop_challenge(realm=realm, algs=SIGNING_ALGORITHMS, **params)
    return bearer_challenge(realm=realm, **params)


class InsufficientScopeError(exceptions.PermissionDenied):
    """403 with ``error="insufficient_scope"``; ``exception_handler`` adds the challenge naming the scopes."""

    def __init__(self, scopes):
        self.scopes = tuple(scopes)
        super().__init__(InsufficientScope(scopes).description, code="insufficient_scope")


class HasRequiredScopes(permissions.BasePermission):
    """A verified token carrying every scope in the view's ``required_scopes``."""

    def has_permission(self, request, view) -> bool:
        if not isinstance(request.auth, AccessToken):
            return False  # no token: DRF answers 401 with the authentication class's bare challenge
        required = getattr(view, "required_scopes", ())
        if not request.auth.has_scopes(required):
            raise InsufficientScopeError(required)
        return True


def exception_handler(exc, context):
    """DRF's handler, with RFC 6750 bodies and the ``insufficient_scope`` challenge on 403."""
    # Imported here: rest_framework.views imports the authentication classes named in settings (this module).
    from rest_framework.views import exception_handler as drf_exception_handler

    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, InsufficientScopeError):
        response["WWW-Authenticate"] = _challenge(
            context.get("request"),
            error="insufficient_scope",
            error_description=str(exc.detail),
            scopes=exc.scopes,
        )
        response.data = {"error": "insufficient_scope", "error_description": str(exc.detail)}
    elif response.status_code == 401:
        request = context.get("request")
        error, description = getattr(request, "_resource_verifier_error", ("", ""))
        # RFC 6750 §3.1: a request with no token gets no error code, only the challenge.
        response.data = {"error": error, "error_description": description} if error else {"detail": str(exc.detail)}
    elif isinstance(exc, ProviderUnavailable):
        response.data = {"error": exc.default_code, "error_description": str(exc.detail)}
    return response


__all__ = [
    "HasRequiredScopes",
    "JWTAccessTokenAuthentication",
    "TokenUser",
    "exception_handler",
]
