"""DPoP proofs (RFC 9449 §4.3), checked with nothing but joserfc: for this provider and for resource servers.

A proof is a JWT in the ``DPoP`` header, signed by the key in its own ``jwk`` header: ``typ`` dpop+jwt, an
asymmetric algorithm from the allow-list (never ``none`` or HMAC: anyone holding a shared key could sign),
a public key only (a header carrying private members is refused: the client leaked its key), ``htm``/``htu``
naming this request (``htu`` compared without query and fragment, scheme and host lowercased, default port
dropped), ``iat`` within a short window, a ``jti``, and ``ath`` = the hash of the access token when one is
presented. The result is the key's RFC 7638 thumbprint, the ``cnf.jkt`` a bound token carries (§6.1).

What needs state is the caller's: remembering each ``jti`` so a proof is used once (§11.1) and, when it
wants them, server nonces (§8, §9). provider.dpop does both for this provider; resource_verifier.drf
remembers ``jti`` values in the resource server's Django cache.
"""

import base64
import binascii
import functools
import hashlib
import hmac
import json
import time
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from joserfc import jws
from joserfc.errors import JoseError
from joserfc.jwk import JWKRegistry
from joserfc.jws import JWSRegistry

SIGNING_ALGORITHMS = ("ES256", "PS256", "RS256", "EdDSA")
PROOF_TYP = "dpop+jwt"
# How far a proof's iat may lie from the server's clock (RFC 9449 §11.1 leaves the window to the server).
IAT_WINDOW_SECONDS = 60
MAX_PROOF_LENGTH = 8192
PRIVATE_MEMBERS = frozenset({"d", "p", "q", "dp", "dq", "qi", "oth", "k"})
PUBLIC_KEY_TYPES = frozenset({"RSA", "EC", "OKP"})


class _ProofRegistry(JWSRegistry):
    """joserfc's JWS rules with room for the public key a proof carries (an RSA jwk outgrows 512 bytes)."""

    max_header_length = 4096


_REGISTRY = _ProofRegistry(algorithms=SIGNING_ALGORITHMS)


class InvalidProof(Exception):
    """RFC 9449 ``invalid_dpop_proof``: the proof is not acceptable; the message says why."""

    error = "invalid_dpop_proof"

    def __init__(self, description: str):
        super().__init__(description)
        self.description = description


@dataclass(frozen=True, slots=True)
class VerifiedProof:
    """A proof whose signature and claims passed: the thumbprint of its key and its claims."""

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


def verify_dpop_proof(
    proof: str, *, method: str, uri: str, access_token: str | None = None, now: float | None = None
) -> VerifiedProof:
    """Check ``proof`` for a ``method`` request to ``uri``, except its ``jti``'s uniqueness; raise InvalidProof."""
    if not proof or len(proof) > MAX_PROOF_LENGTH or proof.count(".") != 2:
        raise InvalidProof("The DPoP header is not a compact JWS.")
    try:
        segment = proof.split(".")[0]
        header = json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))
    except (ValueError, binascii.Error, UnicodeDecodeError) as error:
        raise InvalidProof("The DPoP proof cannot be read.") from error
    if not isinstance(header, dict):
        raise InvalidProof("The DPoP proof cannot be read.")
    if header.get("typ") != PROOF_TYP:
        raise InvalidProof("The DPoP proof's typ must be dpop+jwt.")
    if header.get("alg") not in SIGNING_ALGORITHMS:
        raise InvalidProof(f"Algorithm {header.get('alg')!r} is not allowed for DPoP proofs.")
    jwk = header.get("jwk")
    if not isinstance(jwk, dict) or jwk.get("kty") not in PUBLIC_KEY_TYPES:
        raise InvalidProof("The DPoP proof must carry an asymmetric public key in its jwk header.")
    if PRIVATE_MEMBERS & jwk.keys():
        raise InvalidProof("The DPoP proof's jwk header contains private key material.")
    try:
        key, jkt = _public_key(json.dumps(jwk, sort_keys=True, separators=(",", ":")))
        verified = jws.deserialize_compact(proof, key, algorithms=[header["alg"]], registry=_REGISTRY)
    except (JoseError, ValueError, TypeError, KeyError) as error:
        raise InvalidProof("The DPoP proof's signature does not verify.") from error
    claims = _claims(verified.payload)
    _check_claims(claims, method=method, uri=uri, access_token=access_token, now=now or time.time())
    return VerifiedProof(jkt=jkt, claims=claims)


@functools.lru_cache(maxsize=1024)
def _public_key(jwk_json: str):
    # A client signs every request with the same key: importing it and computing its thumbprint once per
    # process saves about a third of a proof check. Bounded, so a flood of fresh keys only evicts entries.
    key = JWKRegistry.import_key(json.loads(jwk_json))
    return key, key.thumbprint()


def _claims(payload: bytes) -> dict:
    try:
        claims = json.loads(payload)
    except ValueError as error:
        raise InvalidProof("The DPoP proof's payload is not JSON.") from error
    if not isinstance(claims, dict):
        raise InvalidProof("The DPoP proof's payload is not an object.")
    return claims


def _check_claims(claims: dict, *, method: str, uri: str, access_token: str | None, now: float) -> None:
    jti = claims.get("jti")
    if not isinstance(jti, str) or not jti or len(jti) > 256:
        raise InvalidProof("The DPoP proof needs a jti.")
    if claims.get("htm") != method.upper():
        raise InvalidProof("The DPoP proof's htm is not this request's method.")
    htu = claims.get("htu")
    if not isinstance(htu, str) or normalized_uri(htu) != normalized_uri(uri) or urlsplit(htu).query:
        raise InvalidProof("The DPoP proof's htu is not this request's URL.")
    iat = claims.get("iat")
    if not isinstance(iat, int | float) or isinstance(iat, bool) or abs(now - iat) > IAT_WINDOW_SECONDS:
        raise InvalidProof("The DPoP proof's iat is missing, too old or in the future.")
    if access_token is not None:
        ath = claims.get("ath")
        if not isinstance(ath, str) or not hmac.compare_digest(ath, access_token_hash(access_token)):
            raise InvalidProof("The DPoP proof's ath does not match the access token.")


def jti_key(proof: VerifiedProof) -> str:
    """The key under which a cache remembers this proof's ``jti`` (per signing key, so clients cannot collide)."""
    return "dpop-jti:" + hashlib.sha256(f"{proof.jkt}\0{proof.claims['jti']}".encode()).hexdigest()
