"""A password hasher sized for client secrets, which are long random strings rather than human passwords."""

import hashlib

from django.contrib.auth.hashers import BasePasswordHasher, mask_hash
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext_noop as _


class ClientSecretHasher(BasePasswordHasher):
    """Salted SHA-256 for high-entropy client secrets.

    Key stretching (PBKDF2, Argon2) exists to slow down guessing of low-entropy human passwords. A
    client secret here is 128 characters drawn from 66 symbols (over 700 bits), so a guess is hopeless
    at any speed and one SHA-256 is enough; a stretched hash would only cost a third of a second of CPU
    on every token request. Never use this hasher for user passwords (it is last in PASSWORD_HASHERS,
    so Django never picks it for them).
    """

    algorithm = "client_secret_sha256"

    def encode(self, password: str, salt: str) -> str:
        self._check_encode_args(password, salt)
        digest = hashlib.sha256(f"{salt}${password}".encode()).hexdigest()
        return f"{self.algorithm}${salt}${digest}"

    def decode(self, encoded: str) -> dict:
        algorithm, salt, digest = encoded.split("$", 2)
        assert algorithm == self.algorithm  # noqa: S101 - mirrors Django's own hashers
        return {"algorithm": algorithm, "hash": digest, "salt": salt}

    def verify(self, password: str, encoded: str) -> bool:
        decoded = self.decode(encoded)
        return constant_time_compare(encoded, self.encode(password, decoded["salt"]))

    def safe_summary(self, encoded: str) -> dict:
        decoded = self.decode(encoded)
        return {
            _("algorithm"): decoded["algorithm"],
            _("salt"): mask_hash(decoded["salt"], show=2),
            _("hash"): mask_hash(decoded["hash"]),
        }

    def harden_runtime(self, password: str, encoded: str) -> None:
        """Nothing to equalise: there is no work factor."""
