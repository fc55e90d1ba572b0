"""Reads through the token cache: the bearer-token lookup DOT's validator delegates to."""

import hashlib
from collections.abc import Callable

from django.conf import settings
from oauth2_provider.models import AbstractAccessToken

from token_cache.cache import access_tokens


def access_token_cached(
    *, raw_token: str, load: Callable[[str], AbstractAccessToken | None]
) -> AbstractAccessToken | None:
    """The access token for ``raw_token`` with user and client attached: cached, or ``load(raw_token)``."""
    if not settings.TOKEN_CACHE_ENABLED:
        return load(raw_token)
    checksum = hashlib.sha256(raw_token.encode("utf-8")).hexdigest()
    return access_tokens.access_token(checksum, lambda: load(raw_token))
