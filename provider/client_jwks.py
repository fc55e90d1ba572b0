"""A client's public signing keys, for private_key_jwt: inline (``jwks``) or fetched from its ``jwks_uri``, safely.

A ``jwks_uri`` is a URL an admin typed, fetched by the provider: without care it is a server-side request
forgery aimed at the provider's own network. It is fetched through idp.outbound, the one place that makes
such requests (https only, every resolved address public, the connection pinned to the checked address, no
redirects, a timeout and a size limit), with this fetch's own switches for development: IDP
CLIENT_JWKS_URI_ALLOW_HTTP and CLIENT_JWKS_URI_ALLOW_PRIVATE_ADDRESSES. The fetched set is kept in the
shared cache, and fetched again when an assertion names a ``kid`` the set lacks (key rotation), at most
once a minute per URL.
"""

import hashlib
import http.client
import ipaddress
import json
from urllib.parse import urlsplit

from django.core.cache import cache
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from idp.outbound import OutboundRefused, address_allowed, outbound_request
from idp.settings import idp_settings

# A JWK set of a handful of keys is a few kilobytes; anything far larger is not a key set.
MAX_JWKS_BYTES = 64 * 1024
MAX_JWKS_KEYS = 20
FETCH_TIMEOUT_SECONDS = 3.0
CACHE_SECONDS = 3600
REFETCH_INTERVAL_SECONDS = 60
# Members that only a private (or symmetric) key has: a client publishes public keys only (RFC 7517 §9.2).
PRIVATE_MEMBERS = frozenset({"d", "p", "q", "dp", "dq", "qi", "oth", "k"})
PUBLIC_KEY_TYPES = frozenset({"RSA", "EC", "OKP"})


class JWKSRefused(Exception):
    """The client's keys cannot be used; the message says why (for logs and the admin, never the client)."""


def jwks_problem(data) -> str:
    """Why ``data`` is not an acceptable public JWK set, or "" when it is."""
    if not isinstance(data, dict) or not isinstance(data.get("keys"), list):
        return "A JWK set is a JSON object with a list of keys."
    if len(json.dumps(data)) > MAX_JWKS_BYTES:
        return f"The JWK set is larger than {MAX_JWKS_BYTES} bytes."
    if not data["keys"] or len(data["keys"]) > MAX_JWKS_KEYS:
        return f"A JWK set needs between 1 and {MAX_JWKS_KEYS} keys."
    for key in data["keys"]:
        if not isinstance(key, dict) or key.get("kty") not in PUBLIC_KEY_TYPES:
            return "Every key must be an RSA, EC or OKP key."
        if PRIVATE_MEMBERS & key.keys():
            return "The JWK set contains private or symmetric key material: publish public keys only."
    try:
        KeySet.import_key_set(data)
    except (JoseError, ValueError, TypeError, KeyError):
        return "The JWK set contains a key that cannot be read."
    return ""


def jwks_uri_problem(uri: str) -> str:
    """Why ``uri`` may not be fetched (scheme, host given as a non-public address), or "" when it may."""
    parts = urlsplit(uri)
    allowed = {"https", "http"} if idp_settings.CLIENT_JWKS_URI_ALLOW_HTTP else {"https"}
    if parts.scheme not in allowed or not parts.hostname:
        return "The JWKS URI must be an https URL."
    if parts.username or parts.password or parts.fragment:
        return "The JWKS URI may not carry credentials or a fragment."
    try:
        address = ipaddress.ip_address(parts.hostname)
    except ValueError:
        return ""
    return "" if _address_allowed(address) else "The JWKS URI points at a non-public address."


def _address_allowed(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    return address_allowed(address, allow_private=idp_settings.CLIENT_JWKS_URI_ALLOW_PRIVATE_ADDRESSES)


def client_key_set(application, *, kid: str | None) -> KeySet:
    """The client's public keys, refreshed from its jwks_uri when ``kid`` is not among the cached ones."""
    if application.jwks:
        problem = jwks_problem(application.jwks)
        if problem:
            raise JWKSRefused(problem)
        return KeySet.import_key_set(application.jwks)
    if not application.jwks_uri:
        raise JWKSRefused("The client has neither a JWK set nor a JWKS URI.")
    key = "client-jwks:" + hashlib.sha256(application.jwks_uri.encode()).hexdigest()
    data = cache.get(key)
    if data is None or (kid and kid not in _kids(data) and cache.add(key + ":refetch", 1, REFETCH_INTERVAL_SECONDS)):
        data = fetch_jwks(application.jwks_uri)
        cache.set(key, data, CACHE_SECONDS)
    return KeySet.import_key_set(data)


def _kids(data: dict) -> set[str]:
    return {key.get("kid") for key in data.get("keys", []) if isinstance(key, dict)}


def fetch_jwks(uri: str) -> dict:
    """GET ``uri`` from a checked public address, within the time and size limits, and check the JWK set."""
    problem = jwks_uri_problem(uri)
    if problem:
        raise JWKSRefused(problem)
    try:
        response = outbound_request(
            "GET",
            uri,
            headers={"Accept": "application/json"},
            max_bytes=MAX_JWKS_BYTES,
            timeout=FETCH_TIMEOUT_SECONDS,
            allow_http=idp_settings.CLIENT_JWKS_URI_ALLOW_HTTP,
            allow_private=idp_settings.CLIENT_JWKS_URI_ALLOW_PRIVATE_ADDRESSES,
        )
    except OutboundRefused as error:
        raise JWKSRefused(f"The JWKS URI may not be fetched: {error}.") from error
    except (OSError, http.client.HTTPException) as error:
        raise JWKSRefused("The JWKS URI could not be fetched.") from error
    if response.status != 200:
        raise JWKSRefused(f"The JWKS URI answered {response.status}.")
    if response.truncated:
        raise JWKSRefused(f"The JWKS URI answered more than {MAX_JWKS_BYTES} bytes.")
    try:
        data = json.loads(response.body)
    except ValueError as error:
        raise JWKSRefused("The JWKS URI did not answer JSON.") from error
    problem = jwks_problem(data)
    if problem:
        raise JWKSRefused(problem)
    return data
