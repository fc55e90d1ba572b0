"""Client authentication with a signed JWT: private_key_jwt (RFC 7523 §2.2, OIDC Core §9).

The client sends ``client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-bearer`` and
``client_assertion``, a JWT it signed with a private key whose public half the admin registered (``jwks``
or ``jwks_uri``, provider.client_jwks). Checked here: an asymmetric algorithm from the allow-list (never
``none``, never HMAC: a symmetric key would be the client secret, which is stored hashed and so cannot
verify anything), ``iss`` = ``sub`` = the client, ``aud`` naming this provider (its issuer, the token
endpoint or the endpoint called: RFC 7523 §3 and OIDC Core §9 disagree, both are accepted), ``exp``
required and at most CLIENT_ASSERTION_MAX_SECONDS away (so the ``jti`` memory below stays bounded),
``iat``/``nbf`` not in the future, and ``jti`` used once: remembered in the shared cache (Redis in
production) until the assertion expires, so a replay fails in every app process.

client_secret_jwt (RFC 7523 §2.2 with an HMAC, OIDC Core §9) is the same check with the client secret as
the HMAC key, for a client an admin registered for it: HMAC needs the secret itself, which is otherwise
stored only hashed (clients.hashers), so such a client's secret is also kept encrypted
(clients.sealed_secrets) — a weaker storage, hence an opt-in per client. The method is bound to the
client: an HMAC assertion from a private_key_jwt client, or a key-signed one from a client_secret_jwt
client, is refused, and so is either client's plain secret sent directly.
"""

import base64
import binascii
import hashlib
import json
import time

from django.core.cache import cache
from django.urls import reverse
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import OctKey
from oauth2_provider.settings import oauth2_settings
from oauthlib.common import Request

from clients.secret_rotation import client_secret_jwt_secrets
from idp.settings import idp_settings
from provider.client_jwks import JWKSRefused, client_key_set

ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
PRIVATE_KEY_JWT = "private_key_jwt"
CLIENT_SECRET_JWT = "client_secret_jwt"  # noqa: S105 - a method name, not a secret
SIGNING_ALGORITHMS = ("RS256", "PS256", "ES256", "EdDSA")
HMAC_ALGORITHMS = ("HS256", "HS384", "HS512")
# Clocks differ a little between client and provider.
LEEWAY_SECONDS = 30


class AssertionRefused(Exception):
    """The client assertion does not authenticate the client; the message is for logs only."""


def presents_assertion(request: Request) -> bool:
    """Whether the request tries to authenticate with a client assertion (either parameter counts)."""
    return bool(request._params.get("client_assertion") or request._params.get("client_assertion_type"))


def asserted_client_id(request: Request) -> str:
    """The client the assertion claims to come from (unverified ``sub``), for the lookup before the check."""
    return assertion_subject(request._params.get("client_assertion") or "")


def assertion_subject(assertion: str) -> str:
    """The unverified ``sub`` of a client assertion ("" when unreadable)."""
    try:
        payload = assertion.split(".")[1]
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except (IndexError, ValueError, binascii.Error, UnicodeDecodeError):
        return ""
    subject = claims.get("sub") if isinstance(claims, dict) else None
    return subject if isinstance(subject, str) else ""


def accepted_audiences(request: Request) -> set[str]:
    """The issuer, the token endpoint and the endpoint this request was sent to (without its query)."""
    issuer = oauth2_settings.oidc_issuer(request)
    origin = issuer.split("/", 3)
    base = "/".join(origin[:3])
    endpoint = request.uri.split("?", 1)[0].split("#", 1)[0]
    if endpoint.startswith("/"):
        endpoint = base + endpoint
    return {issuer, base + reverse("oauth2_provider:token"), endpoint}


def client_assertion_check(*, request: Request, application) -> None:
    """Verify ``request``'s client assertion as ``application``'s; raise AssertionRefused when it fails."""
    if request._params.get("client_assertion_type") != ASSERTION_TYPE:
        raise AssertionRefused("Unsupported client_assertion_type.")
    assertion = request._params.get("client_assertion") or ""
    header = _header(assertion)
    method = application.token_endpoint_auth_method
    if method == PRIVATE_KEY_JWT:
        token = _signed_with_client_key(assertion, header, application)
    elif method == CLIENT_SECRET_JWT:
        token = _signed_with_client_secret(assertion, header, application)
    else:
        raise AssertionRefused("The client is not registered for private_key_jwt or client_secret_jwt.")
    _check_claims(token.claims, client_id=application.client_id, audiences=accepted_audiences(request))


def _signed_with_client_key(assertion: str, header: dict, application):
    if header.get("alg") not in SIGNING_ALGORITHMS:
        raise AssertionRefused(f"Algorithm {header.get('alg')!r} is not allowed.")
    kid = header.get("kid") if isinstance(header.get("kid"), str) else None
    try:
        keys = client_key_set(application, kid=kid)
        return jwt.decode(assertion, keys, algorithms=list(SIGNING_ALGORITHMS))
    except JWKSRefused as error:
        raise AssertionRefused(str(error)) from error
    except (JoseError, ValueError, TypeError, KeyError) as error:
        raise AssertionRefused(f"Bad signature or unreadable assertion: {error}") from error


def _signed_with_client_secret(assertion: str, header: dict, application):
    algorithm = header.get("alg")
    if algorithm not in HMAC_ALGORITHMS:
        raise AssertionRefused(f"Algorithm {algorithm!r} is not allowed for client_secret_jwt.")
    secrets = client_secret_jwt_secrets(application=application)
    if not secrets:
        raise AssertionRefused("No recoverable secret: rotate the client's secret after choosing client_secret_jwt.")
    for secret in secrets:
        try:
            return jwt.decode(assertion, OctKey.import_key(secret), algorithms=[algorithm])
        except (JoseError, ValueError, TypeError, KeyError):
            continue
    raise AssertionRefused("Bad signature or unreadable assertion.")


def _header(assertion: str) -> dict:
    try:
        segment = assertion.split(".")[0]
        header = json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))
    except (ValueError, binascii.Error, UnicodeDecodeError) as error:
        raise AssertionRefused("Unreadable assertion header.") from error
    if not isinstance(header, dict):
        raise AssertionRefused("Unreadable assertion header.")
    return header


def _check_claims(claims: dict, *, client_id: str, audiences: set[str]) -> None:
    now = time.time()
    if claims.get("iss") != client_id or claims.get("sub") != client_id:
        raise AssertionRefused("iss and sub must both be the client_id.")
    audience = claims.get("aud")
    named = {audience} if isinstance(audience, str) else set(audience) if isinstance(audience, list) else set()
    if not named & audiences:
        raise AssertionRefused("aud does not name this provider.")
    exp = claims.get("exp")
    if not isinstance(exp, int | float) or isinstance(exp, bool):
        raise AssertionRefused("exp is required.")
    if exp <= now - LEEWAY_SECONDS:
        raise AssertionRefused("The assertion has expired.")
    longest = idp_settings.CLIENT_ASSERTION_MAX_SECONDS
    if exp - now > longest + LEEWAY_SECONDS:
        raise AssertionRefused("The assertion lives too long.")
    for name in ("iat", "nbf"):
        value = claims.get(name)
        if value is None:
            continue
        if not isinstance(value, int | float) or isinstance(value, bool) or value > now + LEEWAY_SECONDS:
            raise AssertionRefused(f"{name} is in the future.")
    iat = claims.get("iat")
    if iat is not None and exp - iat > longest + LEEWAY_SECONDS:
        raise AssertionRefused("The assertion lives too long.")
    jti = claims.get("jti")
    if not isinstance(jti, str) or not jti:
        raise AssertionRefused("jti is required.")
    # RFC 7523 §3 item 7: a jti is used once. add() is atomic in Redis (SET NX) and the database cache, and
    # the entry outlives the assertion, after which exp refuses it anyway.
    key = "client-assertion-jti:" + hashlib.sha256(f"{client_id}\0{jti}".encode()).hexdigest()
    if not cache.add(key, 1, timeout=int(exp - now) + 2 * LEEWAY_SECONDS):
        raise AssertionRefused("The assertion's jti was used before.")
