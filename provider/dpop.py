"""DPoP proofs (RFC 9449 §4.3): checked completely, for the token endpoint and the API to bind tokens to a key.

The one check the token endpoint (provider.dpop_binding), the API (api.authentication) and userinfo share,
and the ``WWW-Authenticate: DPoP`` challenge of a resource's refusals (§7.1). A proof is a JWT in the
``DPoP`` header, signed by the key in its own ``jwk`` header:
``typ`` dpop+jwt, an asymmetric algorithm from the allow-list (never ``none`` or HMAC: anyone holding a
shared key could sign), a public key only (a header carrying private members is refused: the client leaked
its key), ``htm``/``htu`` naming this request (``htu`` compared without query and fragment, scheme and host
lowercased, default port dropped), ``iat`` within a short window, a ``jti`` used once (the shared cache,
so a replay fails in every app process), ``ath`` = the hash of the access token when one is presented, and
``nonce`` when the server demands one. The result is the key's RFC 7638 thumbprint, the ``cnf.jkt`` a bound
token carries.
"""

import base64
import binascii
import hashlib
import hmac
import json
import time
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from django.core.cache import cache
from django.utils.crypto import salted_hmac
from joserfc import jws
from joserfc.errors import JoseError
from joserfc.jwk import JWKRegistry
from joserfc.jws import JWSRegistry

SIGNING_ALGORITHMS = ("ES256", "PS256", "RS256", "EdDSA")
PROOF_TYP = "dpop+jwt"
# How far a proof's iat may lie from the server's clock (RFC 9449 §11.1 leaves the window to the server).
IAT_WINDOW_SECONDS = 60
MAX_PROOF_LENGTH = 8192
NONCE_WINDOW_SECONDS = 120
PRIVATE_MEMBERS = frozenset({"d", "p", "q", "dp", "dq", "qi", "oth", "k"})
PUBLIC_KEY_TYPES = frozenset({"RSA", "EC", "OKP"})


class _ProofRegistry(JWSRegistry):
    """joserfc's JWS rules with room for the public key a proof carries (an RSA jwk outgrows 512 bytes)."""

    max_header_length = 4096


_REGISTRY = _ProofRegistry(algorithms=SIGNING_ALGORITHMS)


class ProofRefused(Exception):
    """The DPoP proof is not acceptable: ``error`` is the RFC 9449 error code, the message says why."""

    def __init__(self, message: str, *, error: str = "invalid_dpop_proof"):
        super().__init__(message)
        self.error = error


@dataclass(frozen=True, slots=True)
class Proof:
    """A proof that passed every check: the thumbprint of its key and its claims."""

    jkt: str
    claims: dict


def normalized_uri(uri: str) -> str:
    """``uri`` as htu is compared (RFC 9449 §4.3 item 9): no query or fragment, case-folded scheme and host."""
    parts = urlsplit(uri)
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if ":" in host:
        host = f"[{host}]"
    default_port = {"https": 443, "http": 80}.get(scheme)
    netloc = host if parts.port in (None, default_port) else f"{host}:{parts.port}"
    return urlunsplit((scheme, netloc, parts.path or "/", "", ""))


def access_token_hash(access_token: str) -> str:
    """The ``ath`` of ``access_token``: base64url(sha256) without padding (RFC 9449 §4.2)."""
    return base64.urlsafe_b64encode(hashlib.sha256(access_token.encode()).digest()).rstrip(b"=").decode()


def dpop_proof_check(
    proof: str,
    *,
    method: str,
    uri: str,
    access_token: str | None = None,
    nonce_required: bool = False,
    now: float | None = None,
) -> Proof:
    """Check ``proof`` for a ``method`` request to ``uri``; raise ProofRefused, else return the key's thumbprint."""
    if not proof or len(proof) > MAX_PROOF_LENGTH or proof.count(".") != 2:
        raise ProofRefused("The DPoP header is not a compact JWS.")
    try:
        segment = proof.split(".")[0]
        header = json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))
    except (ValueError, binascii.Error, UnicodeDecodeError) as error:
        raise ProofRefused("The DPoP proof cannot be read.") from error
    if not isinstance(header, dict):
        raise ProofRefused("The DPoP proof cannot be read.")
    if header.get("typ") != PROOF_TYP:
        raise ProofRefused("The DPoP proof's typ must be dpop+jwt.")
    if header.get("alg") not in SIGNING_ALGORITHMS:
        raise ProofRefused(f"Algorithm {header.get('alg')!r} is not allowed for DPoP proofs.")
    jwk = header.get("jwk")
    if not isinstance(jwk, dict) or jwk.get("kty") not in PUBLIC_KEY_TYPES:
        raise ProofRefused("The DPoP proof must carry an asymmetric public key in its jwk header.")
    if PRIVATE_MEMBERS & jwk.keys():
        raise ProofRefused("The DPoP proof's jwk header contains private key material.")
    try:
        key = JWKRegistry.import_key(jwk)
        verified = jws.deserialize_compact(proof, key, algorithms=[header["alg"]], registry=_REGISTRY)
    except (JoseError, ValueError, TypeError, KeyError) as error:
        raise ProofRefused("The DPoP proof's signature does not verify.") from error
    claims = _claims(verified.payload)
    _check_claims(claims, method=method, uri=uri, access_token=access_token, now=now or time.time())
    if nonce_required and not dpop_nonce_valid(claims.get("nonce"), now=now):
        raise ProofRefused("A fresh DPoP nonce is required.", error="use_dpop_nonce")
    jkt = key.thumbprint()
    _use_jti_once(jkt, claims["jti"])
    return Proof(jkt=jkt, claims=claims)


def _claims(payload: bytes) -> dict:
    try:
        claims = json.loads(payload)
    except ValueError as error:
        raise ProofRefused("The DPoP proof's payload is not JSON.") from error
    if not isinstance(claims, dict):
        raise ProofRefused("The DPoP proof's payload is not an object.")
    return claims


def _check_claims(claims: dict, *, method: str, uri: str, access_token: str | None, now: float):
    jti = claims.get("jti")
    if not isinstance(jti, str) or not jti or len(jti) > 256:
        raise ProofRefused("The DPoP proof needs a jti.")
    if claims.get("htm") != method.upper():
        raise ProofRefused("The DPoP proof's htm is not this request's method.")
    htu = claims.get("htu")
    if not isinstance(htu, str) or normalized_uri(htu) != normalized_uri(uri) or urlsplit(htu).query:
        raise ProofRefused("The DPoP proof's htu is not this request's URL.")
    iat = claims.get("iat")
    if not isinstance(iat, int | float) or isinstance(iat, bool) or abs(now - iat) > IAT_WINDOW_SECONDS:
        raise ProofRefused("The DPoP proof's iat is missing, too old or in the future.")
    if access_token is not None:
        ath = claims.get("ath")
        if not isinstance(ath, str) or not hmac.compare_digest(ath, access_token_hash(access_token)):
            raise ProofRefused("The DPoP proof's ath does not match the access token.")


def dpop_nonce(*, now: float | None = None) -> str:
    """A server nonce (RFC 9449 §8) for the DPoP-Nonce header: the current window, signed; no state to share."""
    window = int((now or time.time()) // NONCE_WINDOW_SECONDS)
    return f"{window}.{_nonce_mac(window)}"


def dpop_nonce_valid(value, *, now: float | None = None) -> bool:
    """Whether ``value`` is a nonce of the current or the previous window (so one handed out just before a
    window turns still works), made by this deployment (any process: the key is SECRET_KEY)."""
    if not isinstance(value, str) or "." not in value:
        return False
    window_text, _, mac = value.partition(".")
    if not window_text.isdigit():
        return False
    window = int(window_text)
    current = int((now or time.time()) // NONCE_WINDOW_SECONDS)
    return window in (current, current - 1) and hmac.compare_digest(mac, _nonce_mac(window))


def _nonce_mac(window: int) -> str:
    digest = salted_hmac("provider.dpop.nonce", str(window), algorithm="sha256").digest()
    return base64.urlsafe_b64encode(digest[:18]).decode()


def _use_jti_once(jkt: str, jti: str) -> None:
    # RFC 9449 §11.1: a proof is accepted once. add() is atomic in Redis and the database cache; the entry
    # outlives the iat window, after which the proof is refused as stale anyway.
    key = "dpop-jti:" + hashlib.sha256(f"{jkt}\0{jti}".encode()).hexdigest()
    if not cache.add(key, 1, timeout=2 * IAT_WINDOW_SECONDS + 5):
        raise ProofRefused("The DPoP proof was used before.")


def dpop_challenge(*, realm: str, **params: str) -> str:
    """``DPoP realm=...``, the given auth-params, and ``algs``: the proof algorithms accepted (RFC 9449 §7.1)."""
    attributes = {"realm": realm, **{name: value for name, value in params.items() if value}}
    attributes["algs"] = " ".join(SIGNING_ALGORITHMS)
    return "DPoP " + ", ".join(f"{name}={_quoted(value)}" for name, value in attributes.items())


def _quoted(value) -> str:
    # RFC 9110 quoted-string: escape backslash and quote, drop CR/LF so a description cannot inject headers.
    text = str(value).replace("\r", "").replace("\n", "")
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
