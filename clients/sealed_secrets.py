"""The one recoverable copy of a client secret, kept only for clients an admin registered for client_secret_jwt.

client_secret_jwt (RFC 7523 §2.2, OIDC Core §9) signs the client assertion with HMAC keyed by the client
secret itself, so the provider must hold the secret, not only its hash (clients.hashers). That is weaker
than a hash (a database copy plus the key below reveals the secret), hence an opt-in per client, and the
copy is sealed: AES-256-GCM under a key derived from Django's SECRET_KEY with HKDF, bound to the client
id as associated data so a sealed value moved to another client does not open. SECRET_KEY_FALLBACKS are
tried too, so rotating SECRET_KEY the Django way keeps these secrets readable until they are rotated.
"""

import base64
import binascii
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

VERSION = "v1"
NONCE_BYTES = 12
# Names the purpose inside the derivation: this key opens nothing else derived from SECRET_KEY.
KDF_INFO = b"idp clients.sealed_secrets client_secret_jwt v1"


def _key(secret_key: str) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=KDF_INFO).derive(secret_key.encode())


def secret_seal(*, plain: str, client_id: str) -> str:
    """``plain`` encrypted for storage beside ``client_id``: ``v1$`` and base64url(nonce + ciphertext)."""
    nonce = os.urandom(NONCE_BYTES)
    sealed = AESGCM(_key(settings.SECRET_KEY)).encrypt(nonce, plain.encode(), client_id.encode())
    return f"{VERSION}${base64.urlsafe_b64encode(nonce + sealed).decode()}"


def secret_unseal(*, sealed: str, client_id: str) -> str | None:
    """The plain secret, or None when ``sealed`` is empty, damaged, another client's or under an unknown key."""
    version, _, encoded = sealed.partition("$")
    if version != VERSION:
        return None
    try:
        raw = base64.urlsafe_b64decode(encoded)
    except (binascii.Error, ValueError):
        return None
    nonce, ciphertext = raw[:NONCE_BYTES], raw[NONCE_BYTES:]
    for secret_key in (settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS):
        try:
            return AESGCM(_key(secret_key)).decrypt(nonce, ciphertext, client_id.encode()).decode()
        except (InvalidTag, ValueError):
            continue
    return None
