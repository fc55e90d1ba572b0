"""The checks RFC 9068 §4 asks of a resource server, on one JWT access token, with keys the caller supplies."""

import binascii
import json
import math
import time
from base64 import urlsafe_b64decode
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from typing import Any

from joserfc import jws
from joserfc.errors import JoseError
from joserfc.jwk import Key

# RFC 9068 §2.1: the media type of a JWT access token, so that no other JWT (an ID token, a logout token,
# a client assertion) signed with the same key passes for one. "application/at+jwt" is the long form.
ACCESS_TOKEN_TYP = "at+jwt"  # noqa: S105 - a media type, not a secret
# Asymmetric signatures only. "none" proves nothing, and an HS* algorithm would let anyone who has the
# public key (everyone: it is published) sign tokens by using it as an HMAC secret (RFC 8725 §2.1, §3.1).
ALLOWED_ALGORITHMS = ("RS256", "ES256")
# A JWT access token from this provider is about 1 KB; anything much larger is refused before decoding.
MAX_TOKEN_LENGTH = 8192
# Clock skew tolerated on exp, nbf and iat, in seconds.
DEFAULT_LEEWAY = 30

KeyLookup = Callable[[str], Key | None]


class InvalidToken(Exception):
    """RFC 6750 ``invalid_token``: the token is not one this resource server accepts."""

    error = "invalid_token"
    status = 401

    def __init__(self, description: str = "The access token is invalid."):
        super().__init__(description)
        self.description = description


class InsufficientScope(Exception):
    """RFC 6750 ``insufficient_scope``: a valid token without every scope the request needs."""

    error = "insufficient_scope"
    status = 403

    def __init__(self, scopes: Collection[str]):
        self.scopes = tuple(scopes)
        self.description = "The access token does not carry the scope this request needs."
        super().__init__(self.description)


@dataclass(frozen=True, slots=True)
class AccessToken:
    """A verified JWT access token: its claims, and the ones a resource server asks about most."""

    claims: dict[str, Any]
    header: dict[str, Any]

    @property
    def subject(self) -> str:
        return self.claims["sub"]

    @property
    def client_id(self) -> str:
        return self.claims["client_id"]

    @property
    def jti(self) -> str:
        return self.claims["jti"]

    @property
    def scopes(self) -> frozenset[str]:
        return frozenset(str(self.claims.get("scope", "")).split())

    @property
    def audiences(self) -> tuple[str, ...]:
        aud = self.claims["aud"]
        return (aud,) if isinstance(aud, str) else tuple(aud)

    @property
    def expires_at(self) -> float:
        return float(self.claims["exp"])

    @property
    def jkt(self) -> str | None:
        """RFC 9449 §6.1: the thumbprint of the DPoP key the token is bound to (``cnf.jkt``); None when unbound."""
        cnf = self.claims.get("cnf")
        jkt = cnf.get("jkt") if isinstance(cnf, dict) else None
        return jkt if isinstance(jkt, str) and jkt else None

    def has_scopes(self, scopes: Iterable[str]) -> bool:
        return self.scopes.issuperset(scopes)


def _b64_json(segment: str) -> dict:
    padded = segment + "=" * (-len(segment) % 4)
    try:
        value = json.loads(urlsafe_b64decode(padded.encode("ascii")))
    except (ValueError, binascii.Error, UnicodeError) as error:
        raise InvalidToken("The access token is not a well-formed JWT.") from error
    if not isinstance(value, dict):
        raise InvalidToken("The access token is not a well-formed JWT.")
    return value


def unverified_header(token: str) -> dict:
    """The JOSE header of a compact JWS, read without checking anything (to pick the key by ``kid``)."""
    if len(token) > MAX_TOKEN_LENGTH:
        raise InvalidToken("The access token is too long.")
    parts = token.split(".")
    if len(parts) != 3 or not all(parts[:2]):
        # Five parts would be an encrypted JWT (JWE), which this provider never issues.
        raise InvalidToken("The access token is not a signed JWT.")
    return _b64_json(parts[0])


def _number(claims: dict, name: str, *, required: bool) -> float | None:
    value = claims.get(name)
    if value is None:
        if required:
            raise InvalidToken(f"The access token has no '{name}' claim.")
        return None
    # NumericDate: a finite JSON number; NaN would pass every comparison below unnoticed.
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise InvalidToken(f"The access token's '{name}' claim is not a date.")
    return float(value)


def verify_access_token(
    token: str,
    *,
    key_for: KeyLookup,
    issuer: str,
    audience_allowed: Callable[[tuple[str, ...]], bool] | str,
    required_scopes: Iterable[str] = (),
    algorithms: Collection[str] = ALLOWED_ALGORITHMS,
    leeway: int = DEFAULT_LEEWAY,
    now: float | None = None,
) -> AccessToken:
    """The verified token, or ``InvalidToken`` / ``InsufficientScope`` saying why not.

    ``key_for(kid)`` answers the published key with that ``kid`` (None: unknown); ``audience_allowed`` is
    this resource server's identifier, or a function that says whether the token's audiences include it.
    The order is RFC 9068 §4's: header (typ, alg, kid), signature, then the claims, then the scopes.
    """
    header = unverified_header(token)
    typ = header.get("typ")
    if not isinstance(typ, str) or typ.lower() not in (ACCESS_TOKEN_TYP, f"application/{ACCESS_TOKEN_TYP}"):
        raise InvalidToken("The token is not an access token (its 'typ' is not 'at+jwt').")
    alg = header.get("alg")
    if alg not in algorithms or alg not in ALLOWED_ALGORITHMS:
        raise InvalidToken("The access token is signed with an algorithm this server does not accept.")
    if "crit" in header or "jku" in header or "x5u" in header or "jwk" in header:
        # Keys come from the provider's JWKS only, never from the token itself (RFC 8725 §3.10).
        raise InvalidToken("The access token's header names keys or extensions this server does not accept.")
    kid = header.get("kid")
    if not isinstance(kid, str) or not kid:
        raise InvalidToken("The access token does not name its signing key.")
    key = key_for(kid)
    if key is None:
        raise InvalidToken("The access token is signed with a key this server does not know.")
    try:
        # joserfc checks that the key type fits the algorithm (no RSA key used as an HMAC secret).
        verified = jws.deserialize_compact(token, key, algorithms=[alg])
    except (JoseError, ValueError, TypeError) as error:
        raise InvalidToken("The access token's signature is invalid.") from error
    try:
        claims = json.loads(verified.payload)
    except (TypeError, ValueError) as error:
        raise InvalidToken("The access token is not a well-formed JWT.") from error
    if not isinstance(claims, dict):
        raise InvalidToken("The access token is not a well-formed JWT.")
    check_claims(claims, issuer=issuer, audience_allowed=audience_allowed, leeway=leeway, now=now)
    access_token = AccessToken(claims=claims, header=header)
    scopes = tuple(required_scopes)
    if not access_token.has_scopes(scopes):
        raise InsufficientScope(scopes)
    return access_token


def check_claims(
    claims: dict,
    *,
    issuer: str,
    audience_allowed: Callable[[tuple[str, ...]], bool] | str,
    leeway: int = DEFAULT_LEEWAY,
    now: float | None = None,
) -> None:
    """RFC 9068 §4 on verified claims: issuer, audience, the dates, and the claims every access token carries."""
    now = time.time() if now is None else now
    if claims.get("iss") != issuer:
        raise InvalidToken("The access token was issued by another server.")
    aud = claims.get("aud")
    audiences = (aud,) if isinstance(aud, str) else tuple(aud) if isinstance(aud, list) else ()
    if not audiences or not all(isinstance(value, str) for value in audiences):
        raise InvalidToken("The access token has no audience.")
    allowed = audience_allowed in audiences if isinstance(audience_allowed, str) else audience_allowed(audiences)
    if not allowed:
        raise InvalidToken("The access token is not meant for this resource server.")
    exp = _number(claims, "exp", required=True)
    if exp <= now - leeway:
        raise InvalidToken("The access token has expired.")
    nbf = _number(claims, "nbf", required=False)
    if nbf is not None and nbf > now + leeway:
        raise InvalidToken("The access token is not valid yet.")
    iat = _number(claims, "iat", required=True)
    if iat > now + leeway:
        raise InvalidToken("The access token was issued in the future.")
    for name in ("sub", "client_id", "jti"):
        if not isinstance(claims.get(name), str) or not claims[name]:
            raise InvalidToken(f"The access token has no '{name}' claim.")
    if "scope" in claims and not isinstance(claims["scope"], str):
        raise InvalidToken("The access token's 'scope' claim is not a string.")
