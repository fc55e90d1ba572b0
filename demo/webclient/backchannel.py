"""The receiving end of OpenID Connect Back-Channel Logout 1.0: the provider says a session ended; drop ours.

At sign-in the web client remembers which of its sessions belongs to the provider's session (the ID
token's ``sid``), in a directory beside the session files. The provider POSTs a logout token to
/backchannel-logout; it is validated as §2.6 says (signature with the provider's JWKS, ``typ``, issuer,
audience, dates, the event, ``sid`` or ``sub``, no ``nonce``, a ``jti`` not seen before) and the matching
session file is deleted, so the next page this browser opens here is signed out.
"""

import hashlib
import time
from pathlib import Path

from django.conf import settings
from django.contrib.sessions.backends.file import SessionStore
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from demo.webclient.oidc import idp

LOGOUT_TOKEN_TYP = "logout+jwt"  # noqa: S105 - a JOSE header value, not a secret
BACKCHANNEL_LOGOUT_EVENT = "http://schemas.openid.net/event/backchannel-logout"
# Clock skew allowed on iat and exp, in seconds.
LEEWAY = 60
# jti values seen recently (§2.6 step 9 lets a client refuse a replayed token): a few minutes are enough,
# since the tokens live two minutes at the provider.
_seen_jtis: dict[str, float] = {}


class InvalidLogoutToken(Exception):
    """The logout token fails one of the checks of §2.6."""


def _index_dir() -> Path:
    path = Path(settings.SESSION_FILE_PATH + "-by-sid")
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def _index_file(sid: str) -> Path:
    return _index_dir() / hashlib.sha256(sid.encode()).hexdigest()


def session_remember(*, sid: str, session_key: str) -> None:
    """Note that our session ``session_key`` is the one signed in through the provider session ``sid``."""
    if sid and session_key:
        _index_file(sid).write_text(session_key)


def logout_token_claims(logout_token: str) -> dict:
    """The claims of a valid logout token; raises InvalidLogoutToken otherwise (OIDC Back-Channel Logout §2.6)."""
    metadata = idp.load_server_metadata()
    try:
        keys = KeySet.import_key_set(idp.fetch_jwk_set())
        token = jwt.decode(logout_token, keys, algorithms=["RS256"])
    except (JoseError, ValueError) as exc:
        raise InvalidLogoutToken(f"signature or format: {exc}") from exc
    header, claims = token.header, token.claims
    audiences = claims.get("aud") if isinstance(claims.get("aud"), list) else [claims.get("aud")]
    now = time.time()
    problems = [
        header.get("typ") != LOGOUT_TOKEN_TYP and "typ is not logout+jwt",
        claims.get("iss") != metadata.get("issuer") and "wrong issuer",
        settings.WEBCLIENT_CLIENT_ID not in audiences and "not for this client",
        not isinstance(claims.get("iat"), int) and "no iat",
        not (isinstance(claims.get("exp"), int) and claims["exp"] + LEEWAY > now) and "expired or no exp",
        not isinstance(claims.get("jti"), str) and "no jti",
        BACKCHANNEL_LOGOUT_EVENT not in (claims.get("events") or {}) and "not a back-channel logout event",
        not (claims.get("sid") or claims.get("sub")) and "neither sid nor sub",
        "nonce" in claims and "carries a nonce",
    ]
    problems = [problem for problem in problems if problem]
    if problems:
        raise InvalidLogoutToken(", ".join(problems))
    for jti, seen_at in list(_seen_jtis.items()):
        if seen_at < now - 600:
            del _seen_jtis[jti]
    if claims["jti"] in _seen_jtis:
        raise InvalidLogoutToken("jti already used")
    _seen_jtis[claims["jti"]] = now
    return claims


def sessions_drop(claims: dict) -> bool:
    """Delete our session signed in through the provider session the token names; whether there was one."""
    sid = claims.get("sid")
    if not sid:
        # A token naming only the user would end all of their sessions here; this demo keys sessions by sid.
        return False
    index = _index_file(sid)
    try:
        session_key = index.read_text()
    except FileNotFoundError:
        return False
    SessionStore(session_key).delete()
    index.unlink(missing_ok=True)
    return True
