"""DPoP proofs (RFC 9449 §4.3) for this provider: the proof check, used once, with server nonces.

The one check the token endpoint (provider.dpop_binding), the API (api.authentication) and userinfo share,
and the ``WWW-Authenticate: DPoP`` challenge of a resource's refusals (§7.1). The stateless part of the check
(header, key, signature, ``htm``/``htu``/``iat``/``ath``) is resource_verifier.dpop's, the one other resource
servers use too; here a ``jti`` is used once (the shared cache, so a replay fails in every app process) and
``nonce`` is demanded when the server asks for nonces. The result is the key's RFC 7638 thumbprint, the
``cnf.jkt`` a bound token carries.
"""

import base64
import hmac
import time
from dataclasses import dataclass

from django.core.cache import cache
from django.utils.crypto import salted_hmac

from resource_verifier.dpop import (
    IAT_WINDOW_SECONDS,
    SIGNING_ALGORITHMS,
    InvalidProof,
    access_token_hash,
    jti_key,
    normalized_uri,
    verify_dpop_proof,
)

__all__ = [
    "IAT_WINDOW_SECONDS",
    "NONCE_WINDOW_SECONDS",
    "SIGNING_ALGORITHMS",
    "Proof",
    "ProofRefused",
    "access_token_hash",
    "dpop_challenge",
    "dpop_nonce",
    "dpop_nonce_valid",
    "dpop_proof_check",
    "normalized_uri",
]

NONCE_WINDOW_SECONDS = 120


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
    try:
        verified = verify_dpop_proof(proof, method=method, uri=uri, access_token=access_token, now=now)
    except InvalidProof as error:
        raise ProofRefused(error.description) from error
    if nonce_required and not dpop_nonce_valid(verified.claims.get("nonce"), now=now):
        raise ProofRefused("A fresh DPoP nonce is required.", error="use_dpop_nonce")
    # RFC 9449 §11.1: a proof is accepted once. add() is atomic in Redis and the database cache; the entry
    # outlives the iat window, after which the proof is refused as stale anyway.
    if not cache.add(jti_key(verified), 1, timeout=2 * IAT_WINDOW_SECONDS + 5):
        raise ProofRefused("The DPoP proof was used before.")
    return Proof(jkt=verified.jkt, claims=verified.claims)


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


def dpop_challenge(*, realm: str, **params: str) -> str:
    """``DPoP realm=...``, the given auth-params, and ``algs``: the proof algorithms accepted (RFC 9449 §7.1)."""
    attributes = {"realm": realm, **{name: value for name, value in params.items() if value}}
    attributes["algs"] = " ".join(SIGNING_ALGORITHMS)
    return "DPoP " + ", ".join(f"{name}={_quoted(value)}" for name, value in attributes.items())


def _quoted(value) -> str:
    # RFC 9110 quoted-string: escape backslash and quote, drop CR/LF so a description cannot inject headers.
    text = str(value).replace("\r", "").replace("\n", "")
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
