"""Where the OIDC signing key comes from: the environment in production, a generated file in development."""

import os
from pathlib import Path

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.core.exceptions import ImproperlyConfigured

PEM_BEGIN = "-----BEGIN"
# RFC 7518 §3.3: RS256 keys must be at least 2048 bits.
MIN_RSA_KEY_BITS = 2048


def split_pems(text: str) -> list[str]:
    """Split a string holding zero or more concatenated PEM blocks into one string per key."""
    blocks = [PEM_BEGIN + part for part in text.split(PEM_BEGIN)[1:]]
    return [block.strip() + "\n" for block in blocks]


def generate_rsa_private_key(bits: int = MIN_RSA_KEY_BITS) -> str:
    """A new RSA private key as unencrypted PKCS#8 PEM, the form OIDC_RSA_PRIVATE_KEY takes."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=bits)
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


def write_private_file(path: Path, text: str) -> None:
    """Create ``path`` readable by its owner only (0600) and write ``text``; FileExistsError if it exists.

    Created exclusively with its mode in one call, so no other user can open it in between, and an
    existing key is never overwritten.
    """
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(text)


def load_or_create_dev_key(path: Path) -> str:
    """Return the PEM at ``path``, generating a 2048-bit RSA key there on first use.

    Only for development and tests: the folder is git-ignored, so no private key is ever committed.
    Several processes may start at once, so the file is created exclusively and a loser re-reads it.
    """
    if path.exists():
        return path.read_text()
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    pem = generate_rsa_private_key()
    try:
        write_private_file(path, pem)
    except FileExistsError:
        return path.read_text()
    return pem


def rsa_private_key_problem(pem: str) -> str | None:
    """What makes ``pem`` unusable as the ID token signing key, as a phrase after the variable's name; None if usable.

    Usable: an unencrypted PEM private key, RSA (ID tokens are signed with RS256), of at least 2048 bits.
    """
    try:
        key = serialization.load_pem_private_key(pem.encode(), password=None)
    except TypeError:
        return "is an encrypted private key; give it unencrypted (the process has no passphrase to open it)"
    except (ValueError, UnsupportedAlgorithm):
        # cryptography's own message is a paragraph of guesses; which rule failed is what helps here.
        return "is not an unencrypted PEM private key"
    if not isinstance(key, rsa.RSAPrivateKey):
        return "must be an RSA private key (ID tokens are signed with RS256)"
    if key.key_size < MIN_RSA_KEY_BITS:
        return f"is a {key.key_size}-bit RSA key; use at least {MIN_RSA_KEY_BITS} bits"
    return None


def checked_rsa_private_key(pem: str, *, setting: str) -> str:
    """Return ``pem`` if it is an unencrypted RSA private key of at least 2048 bits, else stop start-up.

    A bad key would otherwise surface only when the first ID token is signed, or as a JWKS error on
    every relying party; failing at start-up names the variable to fix instead.
    """
    problem = rsa_private_key_problem(pem)
    if problem is not None:
        raise ImproperlyConfigured(f"{setting} {problem}.")
    return pem
