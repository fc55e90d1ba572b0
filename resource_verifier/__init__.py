"""Offline verification of this provider's JWT access tokens (RFC 9068), for resource servers.

A resource server checks a token with the provider's published keys (JWKS) and no call to the provider:
signature, ``typ``, ``iss``, ``aud``, ``exp``, ``nbf`` and scopes; for a DPoP-bound token (``cnf.jkt``), the
DPoP proof of its key that must come with it (``dpop``, RFC 9449). What it cannot see is a revocation
before the token expires; docs/jwt-access-tokens.md says what that means and when to introspect instead.

``verification`` and ``dpop`` have no dependency but joserfc; ``jwks`` fetches and caches the key set with the standard
library; ``challenges`` writes RFC 6750 ``WWW-Authenticate`` values; ``drf`` plugs all three into Django
REST framework.
"""

from resource_verifier.challenges import bearer_challenge, dpop_challenge
from resource_verifier.dpop import InvalidProof, VerifiedProof, verify_dpop_proof
from resource_verifier.jwks import JwksCache
from resource_verifier.verification import (
    ACCESS_TOKEN_TYP,
    ALLOWED_ALGORITHMS,
    AccessToken,
    InsufficientScope,
    InvalidToken,
    verify_access_token,
)

__all__ = [
    "ACCESS_TOKEN_TYP",
    "ALLOWED_ALGORITHMS",
    "AccessToken",
    "InsufficientScope",
    "InvalidProof",
    "InvalidToken",
    "JwksCache",
    "VerifiedProof",
    "bearer_challenge",
    "dpop_challenge",
    "verify_access_token",
    "verify_dpop_proof",
]
