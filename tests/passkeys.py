"""A software passkey (ES256, "none" attestation) and the page steps that use one, for server-side tests.

It builds what a browser hands the page after ``navigator.credentials.create()`` / ``get()``, byte for byte
as WebAuthn Level 3 §6.1 and §6.5 lay them out, signed with a key made by ``cryptography``; every field a
hostile test wants to spoil (origin, RP ID, counter, user verification, challenge) is a keyword.
"""

import base64
import hashlib
import json
import os
import struct
from dataclasses import dataclass, field

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from django.test import Client
from django.urls import reverse
from webauthn.helpers import encode_cbor

ORIGIN = "http://testserver"  # the test client's origin: the issuer the provider derives from its requests
RP_ID = "testserver"

FLAG_USER_PRESENT = 0x01
FLAG_USER_VERIFIED = 0x04
FLAG_ATTESTED_CREDENTIAL = 0x40


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def from_b64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class SoftAuthenticator:
    """One passkey on a pretend device: a P-256 key pair, a credential id and a signature counter."""

    private_key: ec.EllipticCurvePrivateKey = field(default_factory=lambda: ec.generate_private_key(ec.SECP256R1()))
    credential_id: bytes = field(default_factory=lambda: os.urandom(32))
    user_handle: bytes = field(default_factory=lambda: os.urandom(32))
    sign_count: int = 0
    # Whether the "device" asks for its PIN or biometric (the UV flag), as most passkeys do.
    user_verifying: bool = True

    @property
    def credential_id_b64(self) -> str:
        return b64url(self.credential_id)

    @property
    def cose_public_key(self) -> bytes:
        """The public key as COSE_Key (RFC 9052 §7, EC2 P-256, ES256), as the authenticator data carries it."""
        numbers = self.private_key.public_key().public_numbers()
        return encode_cbor({1: 2, 3: -7, -1: 1, -2: numbers.x.to_bytes(32, "big"), -3: numbers.y.to_bytes(32, "big")})

    def _authenticator_data(self, *, rp_id: str, flags: int, attested: bytes = b"") -> bytes:
        return hashlib.sha256(rp_id.encode()).digest() + bytes([flags]) + struct.pack(">I", self.sign_count) + attested

    def _flags(self, user_verified: bool | None) -> int:
        verified = self.user_verifying if user_verified is None else user_verified
        return FLAG_USER_PRESENT | (FLAG_USER_VERIFIED if verified else 0)

    @staticmethod
    def _client_data(kind: str, challenge: str, origin: str) -> bytes:
        return json.dumps({"type": kind, "challenge": challenge, "origin": origin, "crossOrigin": False}).encode()

    def create(
        self,
        options: dict,
        *,
        origin: str = ORIGIN,
        rp_id: str | None = None,
        challenge: str | None = None,
        user_verified: bool | None = None,
    ) -> str:
        """The registration credential JSON answering ``options`` (the server's creation options)."""
        self.user_handle = from_b64url(options["user"]["id"])
        attested = (
            bytes(16)  # AAGUID: all zero with "none" attestation
            + struct.pack(">H", len(self.credential_id))
            + self.credential_id
            + self.cose_public_key
        )
        auth_data = self._authenticator_data(
            rp_id=rp_id or options["rp"]["id"],
            flags=self._flags(user_verified) | FLAG_ATTESTED_CREDENTIAL,
            attested=attested,
        )
        client_data = self._client_data("webauthn.create", challenge or options["challenge"], origin)
        attestation = encode_cbor({"fmt": "none", "attStmt": {}, "authData": auth_data})
        return json.dumps(
            {
                "id": self.credential_id_b64,
                "rawId": self.credential_id_b64,
                "type": "public-key",
                "clientExtensionResults": {},
                "response": {
                    "clientDataJSON": b64url(client_data),
                    "attestationObject": b64url(attestation),
                    "transports": ["internal", "hybrid"],
                },
            }
        )

    def get(
        self,
        options: dict,
        *,
        origin: str = ORIGIN,
        rp_id: str | None = None,
        challenge: str | None = None,
        user_verified: bool | None = None,
        sign_count: int | None = None,
        user_handle: bytes | None = None,
    ) -> str:
        """The assertion JSON answering ``options`` (the server's request options); the counter moves on by one."""
        self.sign_count = self.sign_count + 1 if sign_count is None else sign_count
        auth_data = self._authenticator_data(rp_id=rp_id or options["rpId"], flags=self._flags(user_verified))
        client_data = self._client_data("webauthn.get", challenge or options["challenge"], origin)
        signature = self.private_key.sign(auth_data + hashlib.sha256(client_data).digest(), ec.ECDSA(hashes.SHA256()))
        return json.dumps(
            {
                "id": self.credential_id_b64,
                "rawId": self.credential_id_b64,
                "type": "public-key",
                "clientExtensionResults": {},
                "response": {
                    "clientDataJSON": b64url(client_data),
                    "authenticatorData": b64url(auth_data),
                    "signature": b64url(signature),
                    "userHandle": b64url(user_handle or self.user_handle),
                },
            }
        )


# What the page's script (static/js/passkeys.js) does, step by step, through the Django test client.
def registration_options(http: Client) -> dict:
    return http.post(reverse("passkey-register-options")).json()


def register(http: Client, authenticator: SoftAuthenticator, *, name: str = "Laptop", **spoil):
    credential = authenticator.create(registration_options(http), **spoil)
    return http.post(reverse("passkey-register"), {"credential": credential, "name": name})


def second_factor_options(http: Client) -> dict:
    return http.post(reverse("passkey-auth-options")).json()


def second_factor_with_passkey(http: Client, authenticator: SoftAuthenticator, *, next_url: str = "", **spoil):
    credential = authenticator.get(second_factor_options(http), **spoil)
    return http.post(reverse("mfa-verify"), {"credential": credential, "next": next_url})


def sign_in_options(http: Client) -> dict:
    return http.post(reverse("passkey-sign-in-options")).json()


def sign_in_with_passkey(http: Client, authenticator: SoftAuthenticator, *, next_url: str = "", **spoil):
    credential = authenticator.get(sign_in_options(http), **spoil)
    return http.post(reverse("passkey-sign-in"), {"credential": credential, "next": next_url})
