"""Reads through the token cache: the bearer-token and client lookups DOT's validator delegates to."""

import hashlib
from collections.abc import Callable

from oauth2_provider.models import AbstractAccessToken, AbstractApplication, get_access_token_model

from token_cache.cache import access_tokens


def access_token_cached(
    *, raw_token: str, load: Callable[[str], AbstractAccessToken | None]
) -> AbstractAccessToken | None:
    """The access token for ``raw_token`` with user and client attached: cached, or ``load(raw_token)``."""
    if not access_tokens.settings.enabled:
        return load(raw_token)
    checksum = hashlib.sha256(raw_token.encode("utf-8")).hexdigest()
    return access_tokens.access_token(checksum, lambda: load(raw_token))


def access_token_by_value(*, raw_token: str) -> AbstractAccessToken | None:
    """The access token whose value is ``raw_token`` (user and client attached), or None; cached like bearer checks."""
    return access_token_cached(raw_token=raw_token, load=_access_token_load)


def _access_token_load(raw_token: str) -> AbstractAccessToken | None:
    # DOT's validator's _load_access_token: tokens are stored hashed (RFC 9700), found by their sha256.
    checksum = hashlib.sha256(raw_token.encode("utf-8")).hexdigest()
    tokens = get_access_token_model().objects.select_related("application", "user")
    return tokens.filter(token_checksum=checksum).first()


def application_cached(
    *, client_id: str, request, load: Callable[[str, object], AbstractApplication | None]
) -> AbstractApplication | None:
    """DOT's ``_load_application(client_id, request)``, with the client served from the cache when it is there.

    A hit is put on ``request.client``, where DOT's own lookup looks first (and still checks that it
    matches ``client_id`` and is usable); a client DOT had to load is remembered for next time.
    """
    if not access_tokens.settings.enabled or not client_id or not isinstance(client_id, str):
        return load(client_id, request)
    if not request.client:
        request.client = access_tokens.client(client_id)
    generation = access_tokens.generation()
    application = load(client_id, request)
    if application is not None:
        access_tokens.remember_client(application, generation)
    return application
