"""JWT access tokens (RFC 9068) for the clients an admin switched to them, and their check by this provider's API.

Issued by DOT's ACCESS_TOKEN_GENERATOR hook (``access_token_generator``): a client whose
``access_token_format`` is "jwt" gets a JWT signed with the ID token signing key (header ``typ: at+jwt``
and the key's ``kid``, as JWKS publishes it); every other client gets oauthlib's random token, as before.
Refresh tokens stay random (REFRESH_TOKEN_GENERATOR). The lifetime of a JWT client's tokens is its
``jwt_access_token_lifetime`` (``access_token_expires_in``, wired by provider.server), so ``expires_in``,
the ``exp`` claim and the stored row agree.

Every JWT access token is also stored like an opaque one (DOT's AccessToken row, by its sha256), so
revocation, introspection, token families and the admin treat both alike. This provider's API first checks
the JWT itself (``jwt_access_token_refusal``: signature, ``typ``, issuer, audience, dates; no query, so
forged or foreign tokens cost nothing), then looks the token up through the per-process token cache
(token_cache), which answers a token seen before without a query and forgets a revoked one in every process
within TOKEN_CACHE_POLL_SECONDS, through the database-written invalidation feed.
"""

import functools
import json
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import get_script_prefix, reverse
from joserfc import jws
from joserfc.jwk import RSAKey
from oauth2_provider.settings import oauth2_settings
from oauthlib.common import Request
from oauthlib.oauth2.rfc6749.tokens import random_token_generator

from idp.settings import idp_settings
from provider.state import request_state
from resource_verifier.dpop import binding_refusal
from resource_verifier.verification import (
    ACCESS_TOKEN_TYP,
    AccessToken,
    InsufficientScope,
    InvalidToken,
    check_claims,
    verify_access_token,
)

# DOT signs ID tokens with RS256 and the same key; JWKS publishes only RSA keys.
SIGNING_ALGORITHM = "RS256"


@dataclass(frozen=True, slots=True)
class SigningKeys:
    """The key that signs, and every published key (the signing one and the retired ones) by ``kid``."""

    signing: RSAKey
    published: dict[str, RSAKey]


@functools.lru_cache(maxsize=4)
def _keys(active_pem: str, inactive_pems: tuple[str, ...]) -> SigningKeys:
    # Parsing a PEM costs about a millisecond: once per configuration per process.
    signing = RSAKey.import_key(active_pem)
    published = {signing.thumbprint(): RSAKey.import_key(signing.as_dict(private=False))}
    for pem in inactive_pems:
        key = RSAKey.import_key(pem)
        published.setdefault(key.thumbprint(), RSAKey.import_key(key.as_dict(private=False)))
    return SigningKeys(signing, published)


def signing_keys() -> SigningKeys:
    """The configured keys; the ``kid`` of each is its RFC 7638 thumbprint, as DOT's JWKS view names it."""
    return _keys(oauth2_settings.OIDC_RSA_PRIVATE_KEY, tuple(oauth2_settings.OIDC_RSA_PRIVATE_KEYS_INACTIVE))


@receiver(setting_changed, dispatch_uid="provider.jwt_access_tokens.keys")
def _forget_keys(setting: str, **kwargs) -> None:
    if setting == "OAUTH2_PROVIDER":
        _keys.cache_clear()
        _verified.clear()


# ISSUANCE
# ------------------------------------------------------------------------------
def issues_jwt(request: Request) -> bool:
    client = getattr(request, "client", None)
    return client is not None and getattr(client, "issues_jwt_access_tokens", False)


def access_token_expires_in(request: Request, *, default: int) -> int:
    """``expires_in`` of the token being issued: the client's JWT lifetime, else ACCESS_TOKEN_EXPIRE_SECONDS."""
    return request.client.jwt_access_token_lifetime if issues_jwt(request) else default


def access_token_generator(request: Request) -> str:
    """DOT's ACCESS_TOKEN_GENERATOR: a signed JWT for a JWT client, oauthlib's random token for the others."""
    if not issues_jwt(request):
        return random_token_generator(request)
    return jwt_access_token_sign(jwt_access_token_claims(request))


def jwt_access_token_sign(claims: dict) -> str:
    """``claims`` as a compact JWS with the access token header, signed with the active signing key."""
    key = signing_keys().signing
    header = {"typ": ACCESS_TOKEN_TYP, "alg": SIGNING_ALGORITHM, "kid": key.thumbprint()}
    return jws.serialize_compact(header, json.dumps(claims, separators=(",", ":")).encode(), key)


def jwt_access_token_claims(request: Request) -> dict:
    """RFC 9068 §2.2: who issued it, for whom, about whom, until when, and what it allows."""
    now = int(time.time())
    # oauthlib set request.expires_in (access_token_expires_in) just before asking for the token.
    lifetime = int(getattr(request, "expires_in", None) or request.client.jwt_access_token_lifetime)
    user = getattr(request, "user", None)
    issuer = oauth2_settings.oidc_issuer(request)
    claims = {
        "iss": issuer,
        "exp": now + lifetime,
        "iat": now,
        "aud": _audience(request, issuer=issuer),
        # RFC 9068 §2.2: a client's own token (client credentials) has the client as its subject.
        "sub": str(user.pk) if user is not None else request.client.client_id,
        "client_id": request.client.client_id,
        "jti": secrets.token_urlsafe(18),
        "scope": " ".join(request.scopes or ()),
    }
    auth_time = request_state(request).auth_time
    if auth_time is not None and user is not None:
        claims["auth_time"] = int(auth_time.timestamp())
    jkt = request_state(request).dpop_jkt
    if jkt is not None:
        # RFC 9449 §6.1: the thumbprint of the key the token is bound to, for resource servers verifying offline.
        claims["cnf"] = {"jkt": jkt}
    return claims


def _audience(request: Request, *, issuer: str) -> str | list[str]:
    # The RFC 8707 resources the request asked for (and the validator allowed: an invalid_target stops the
    # request here, before anything is issued), else the configured audience. The validator runs the same
    # check again before the save; it runs once per request (provider.validator).
    validator = oauth2_settings.OAUTH2_VALIDATOR_CLASS()
    validator._check_and_set_request_resource(request)
    resources = list(getattr(request, "resource", None) or [])
    if resources:
        return resources[0] if len(resources) == 1 else resources
    return default_audience(issuer=issuer)


def _origin(uri: str) -> str:
    parts = urlsplit(uri)
    return f"{parts.scheme}://{parts.netloc}"


@functools.lru_cache(maxsize=8)
def _paths(script_prefix: str) -> tuple[str, str]:
    # reverse() costs tens of microseconds and the API asks on every request: once per script prefix.
    discovery = reverse("oauth2_provider:oidc-connect-discovery-info")
    return discovery[: -len("/.well-known/openid-configuration")], reverse("api:me").removesuffix("me/")


def issuer_for(origin: str) -> str:
    """The issuer a request to ``origin`` is answered as: OIDC_ISS_ENDPOINT, else DOT's from the request's origin."""
    if oauth2_settings.OIDC_ISS_ENDPOINT:
        return oauth2_settings.OIDC_ISS_ENDPOINT
    return _origin(origin) + _paths(get_script_prefix())[0]


def default_audience(*, issuer: str) -> str:
    """JWT_ACCESS_TOKEN_AUDIENCE, else this provider's own API at the issuer's origin (<origin>/api/)."""
    if idp_settings.JWT_ACCESS_TOKEN_AUDIENCE:
        return idp_settings.JWT_ACCESS_TOKEN_AUDIENCE
    return _origin(issuer) + _paths(get_script_prefix())[1]


# VERIFICATION BY THIS PROVIDER'S API
# ------------------------------------------------------------------------------
# Tokens whose signature this process has verified, with their claims: the same string presented again
# needs only its claims checked (dates, issuer, audience) and its key still published. Verifying the
# signature and parsing the token costs more than the rest of an API call's authentication.
MAX_VERIFIED = 4096


@dataclass(frozen=True, slots=True)
class _Verified:
    keys: SigningKeys  # the configuration it was verified under: a key dropped since means verify again
    token: AccessToken


_verified: dict[str, _Verified] = {}


def looks_like_jwt(token: str) -> bool:
    """oauthlib's own test (JWTToken.estimate_type): three or five base64url parts, the first a JSON object."""
    return token.startswith("ey") and token.count(".") in (2, 4)


def jwt_access_token_verify(
    token: str, *, uri: str | Callable[[], str], origin: str | None = None, any_audience: bool = False
) -> AccessToken:
    """The verified token, checked against this provider's published keys; ``InvalidToken`` says why not.

    ``uri`` is the absolute URI of the request presenting it (or a function that builds it, only called for
    a token bound to resources); ``origin`` its scheme and host, when the caller has them without the URI.
    The audience must be the configured one or, for a token bound to RFC 8707 resources, one that the
    request falls under (DOT's RESOURCE_SERVER_TOKEN_RESOURCE_VALIDATOR, as for opaque tokens).
    """
    keys = signing_keys()
    issuer = issuer_for(origin or (uri if isinstance(uri, str) else uri()))

    def audience_allowed(audiences: tuple[str, ...]) -> bool:
        if any_audience or default_audience(issuer=issuer) in audiences:
            return True
        validator = oauth2_settings.RESOURCE_SERVER_TOKEN_RESOURCE_VALIDATOR
        request_uri = uri if isinstance(uri, str) else uri()
        return validator is not None and validator(request_uri.split("?")[0], list(audiences))

    # Our own clock signed it: no skew to allow for.
    known = _verified.get(token)
    if known is not None and known.keys is keys:
        check_claims(known.token.claims, issuer=issuer, audience_allowed=audience_allowed, leeway=0)
        return known.token
    verified = verify_access_token(
        token,
        key_for=keys.published.get,
        issuer=issuer,
        audience_allowed=audience_allowed,
        algorithms=(SIGNING_ALGORITHM,),
        leeway=0,
    )
    if len(_verified) >= MAX_VERIFIED:
        _verified.clear()  # rare, and cheap to refill: only spares signature checks
    _verified[token] = _Verified(keys, verified)
    return verified


def absolute_request_uri(request: Request) -> str:
    """The oauthlib request's URI, absolute: DOT's endpoints (userinfo) pass only the path."""
    if urlsplit(request.uri).scheme:
        return request.uri
    return _origin(oauth2_settings.oidc_issuer(request)) + request.uri


def jwt_access_token_refusal(
    token: str, *, uri: str | Callable[[], str], origin: str | None = None, proof_jkt: str | None = None
) -> dict | None:
    """Why this provider refuses ``token`` as a JWT access token (RFC 6750 error members), or None.

    ``proof_jkt`` is the key of the DPoP proof verified for this presentation (None: a bearer presentation);
    the signed ``cnf.jkt`` must agree (RFC 9449 §6.1, §7.1), as the stored binding must (token_cache.records).
    """
    try:
        verified = jwt_access_token_verify(token, uri=uri, origin=origin)
    except (InvalidToken, InsufficientScope) as error:
        return {"error": "invalid_token", "error_description": error.description}
    refusal = binding_refusal(bound_jkt=verified.jkt, proof_jkt=proof_jkt)
    if refusal is not None:
        return {"error": "invalid_token", "error_description": refusal}
    return None
