"""Which key verifies an ID token this provider signed: the active key, or a retired one still in JWKS.

DOT verifies the ID tokens it is handed back (``id_token_hint`` at RP-initiated logout) with the active
key only, so for an ID token's lifetime after a key rotation every logout carrying an older token would
fail. Retired keys stay in OIDC_RSA_PRIVATE_KEYS_INACTIVE precisely for that time (docs/key-rotation.md).
"""

from jwcrypto import jwk, jws
from jwcrypto.common import JWException
from oauth2_provider.settings import oauth2_settings
from oauth2_provider.utils import jwk_from_pem


def unverified_kid(token: str) -> str | None:
    """The ``kid`` in a compact JWS header, read without checking anything."""
    parsed = jws.JWS()
    try:
        parsed.deserialize(token)
    except JWException:
        return None
    return parsed.jose_header.get("kid")


def retired_signing_key(kid: str) -> jwk.JWK | None:
    """The retired (inactive) signing key whose thumbprint, as published in JWKS, is ``kid``."""
    for pem in oauth2_settings.OIDC_RSA_PRIVATE_KEYS_INACTIVE:
        key = jwk_from_pem(pem)
        if key.thumbprint() == kid:
            return key
    return None
