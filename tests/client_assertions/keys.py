"""Client key pairs made for each test (never a committed private key) and assertions signed with them."""

import secrets
import time

from joserfc import jwt
from joserfc.jwk import ECKey, KeySet, OctKey, OKPKey, RSAKey

from provider.client_assertions import ASSERTION_TYPE

TOKEN_URL = "http://testserver/o/token/"
ISSUER = "http://testserver/o"

KEY_FOR_ALGORITHM = {
    "RS256": lambda: RSAKey.generate_key(2048, parameters={"kid": "rsa-1"}),
    "PS256": lambda: RSAKey.generate_key(2048, parameters={"kid": "rsa-1"}),
    "ES256": lambda: ECKey.generate_key("P-256", parameters={"kid": "ec-1"}),
    "EdDSA": lambda: OKPKey.generate_key("Ed25519", parameters={"kid": "ed-1"}),
}


def public_jwks(*keys) -> dict:
    """The public JWK set a client registers for ``keys``."""
    return KeySet(list(keys)).as_dict(private=False)


def assertion(key, client_id: str, *, alg: str = "RS256", header: dict | None = None, **claims) -> str:
    """A client assertion for ``client_id`` signed with ``key``; ``claims`` override or (as None) remove defaults."""
    now = int(time.time())
    payload = {"iss": client_id, "sub": client_id, "aud": TOKEN_URL, "exp": now + 60, "iat": now}
    payload["jti"] = secrets.token_urlsafe(16)
    payload.update(claims)
    payload = {name: value for name, value in payload.items() if value is not None}
    return jwt.encode({"alg": alg, "kid": key.kid, **(header or {})}, payload, key, algorithms=[alg])


def secret_assertion(secret: str, client_id: str, *, alg: str = "HS256", **claims) -> str:
    """A client_secret_jwt assertion for ``client_id``: HMAC keyed with the UTF-8 octets of ``secret``."""
    now = int(time.time())
    payload = {"iss": client_id, "sub": client_id, "aud": TOKEN_URL, "exp": now + 60, "iat": now}
    payload["jti"] = secrets.token_urlsafe(16)
    payload.update(claims)
    payload = {name: value for name, value in payload.items() if value is not None}
    return jwt.encode({"alg": alg}, payload, OctKey.import_key(secret), algorithms=[alg])


def assertion_form(signed: str) -> dict:
    return {"client_assertion_type": ASSERTION_TYPE, "client_assertion": signed}
