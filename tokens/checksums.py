"""The one way secret values (codes, tokens, PKCE challenges) are fingerprinted at rest."""

import hashlib


def sha256_hex(value: str) -> str:
    """The sha256 hex digest of ``value``, as DOT stores token checksums."""
    return hashlib.sha256(value.encode("utf-8")).hexdigest()
