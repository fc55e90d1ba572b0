"""Reads through the token cache: the bearer-token and client lookups DOT's validator delegates to."""

import hashlib
from collections.abc import Callable

from django.conf import settings
from oauth2_provider.models import AbstractAccessToken, AbstractApplication

from token_cache.cache import access_tokens


def access_token_cached(
    *, raw_token: str, load: Callable[[str], AbstractAccessToken | None]
) -> AbstractAccessToken | None:
    """The access token for ``raw_token`` with user and client attached: cached, or ``load(raw_token)``."""
    if not settings.TOKEN_CACHE_ENABLED:
        return load(raw_token)
    checksum = hashlib.sha256(raw_token.encode("utf-8")).hexdigest()
    return access_tokens.access_token(checksum, lambda: load(raw_token))


def application_cached(
    *, client_id: str, request, load: Callable[[str, object], AbstractApplication | None]
) -> AbstractApplication | None:
    """DOT's ``_load_application(client_id, request)``, with the client served from the cache when it is there.

    A hit is put on ``request.client``, where DOT's own lookup looks first (and still checks that it
    matches ``client_id`` and is usable); a client DOT had to load is remembered for next time.
    """
    if not settings.TOKEN_CACHE_ENABLED or not client_id or not isinstance(client_id, str):
        return load(client_id, request)
    if not request.client:
        request.client = access_tokens.client(client_id)
    generation = access_tokens.generation()
    application = load(client_id, request)
    if application is not None:
        access_tokens.remember_client(application, generation)
    return application
