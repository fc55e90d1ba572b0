"""Offline verification of this provider's JWT access tokens (RFC 9068), for resource servers.

A resource server checks a token with the provider's published keys (JWKS) and no call to the provider:
signature, ``typ``, ``iss``, ``aud``, ``exp``, ``nbf`` and scopes. What it cannot see is a revocation
before the token expires; docs/jwt-access-tokens.md says what that means and when to introspect instead.

``verification`` has no dependency but joserfc; ``jwks`` fetches and caches the key set with the standard
library; ``challenges`` writes RFC 6750 ``WWW-Authenticate`` values; ``drf`` plugs all three into Django
REST framework.
"""

from resource_verifier.challenges import bearer_challenge
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
    "InvalidToken",
    "JwksCache",
    "bearer_challenge",
    "verify_access_token",
]
