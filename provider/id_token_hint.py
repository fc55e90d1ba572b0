"""OIDC ``id_token_hint`` (Core §3.1.2.1): an ID token this server signed, naming the user the client expects.

The hint is about the user's "current or past authenticated session", so an expired ID token is still a
good hint: only its signature (by one of this server's keys, current or retired) is checked here. Whether
the user it names is the one signed in is decided by provider.views.authorization.ConsentView.
"""

import json

from jwcrypto import jwt
from jwcrypto.common import JWException
from oauth2_provider.settings import oauth2_settings


def id_token_hint_subject(hint: str) -> str | None:
    """The ``sub`` of an ID token this server signed (expired or not), or None when it is not one."""
    validator = oauth2_settings.OAUTH2_VALIDATOR_CLASS()
    try:
        key = validator._get_key_for_token(hint)  # the key its kid names, retired keys included
        if key is None:
            return None
        claims = json.loads(jwt.JWT(key=key, jwt=hint, check_claims={}).claims)
    except (JWException, ValueError, TypeError):
        return None
    subject = claims.get("sub") if isinstance(claims, dict) else None
    return subject if isinstance(subject, str) else None
