"""Reads through the token cache: the bearer-token, user and client lookups the validator and the API make."""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import router
from oauth2_provider.models import AbstractApplication, get_access_token_model, get_application_model

from token_cache.cache import access_tokens
from token_cache.records import BearerToken
from tokens.checksums import sha256_hex


@dataclass(frozen=True, slots=True)
class PresentedToken:
    """A presented access token's record, with instances of its user and client made for this request alone."""

    token: BearerToken
    user: AbstractBaseUser | None
    client: AbstractApplication | None


def bearer_token_presented(*, raw_token: str, with_client: bool = True) -> PresentedToken | None:
    """The access token whose value is ``raw_token``, with its user and client, or None when there is none.

    From this process's cache when it has the token (no query), else by DOT's joined query of token, user
    and client (RFC 9700: tokens are stored hashed and found by their sha256), which the cache then keeps.
    ``with_client=False`` leaves ``client`` None for a caller that needs only the record's client_id
    (introspection): the client row must still exist, but no instance of it is built.
    """
    checksum = sha256_hex(raw_token)
    enabled = access_tokens.settings.enabled
    if enabled:
        access_tokens.sync()
        token = access_tokens.token(checksum)
        if token is not None:
            user = user_cached(user_id=token.user_id)
            client = _client_cached(token) if with_client else _client_kept(token)
            if (token.user_id is None or user is not None) and (token.application_id is None or client is not None):
                return PresentedToken(token, user, client if with_client else None)
            # A row gone that the record still names: its deletion is on its way through the feed.
            return None
        if access_tokens.is_refused(checksum):
            return None  # not in the database a moment ago (token_cache.cache.RefusedTokens)
    generation = access_tokens.generation()
    refusal_generation = access_tokens.refusal_generation()
    model = get_access_token_model()
    db = router.db_for_read(model)
    # The DPoP binding (tokens.models) rides along in the same joined query: the record carries it.
    loaded = (
        model.objects.using(db)
        .select_related("application", "user", "dpop_binding")
        .filter(token_checksum=checksum)
        .first()
    )
    if loaded is None:
        if enabled:
            access_tokens.remember_refusal(checksum, generation=refusal_generation)
        return None
    # Switched off, the cache keeps nothing: the record is made for this request alone.
    token = access_tokens.remember_token(loaded, db=db, generation=generation) if enabled else BearerToken.of(loaded)
    return PresentedToken(token, loaded.user, loaded.application)


def user_cached(*, user_id: int | None) -> AbstractBaseUser | None:
    """A new instance of the user ``user_id`` (None for None): from the cache, or read once and kept.

    Asked right after a token lookup in the same request, so it answers from that lookup's feed read.
    """
    if user_id is None:
        return None
    if access_tokens.settings.enabled:
        user = access_tokens.user(user_id)
        if user is not None:
            return user
    generation = access_tokens.generation()
    model = get_user_model()
    db = router.db_for_read(model)
    user = model._default_manager.using(db).filter(pk=user_id).first()
    if user is not None and access_tokens.settings.enabled:
        access_tokens.remember_user(user, db=db, generation=generation)
    return user


def _client_kept(token: BearerToken) -> object | None:
    # Whether the token's client row exists, without an instance of it when the cache has the row.
    if token.client_id is not None and access_tokens.has_client(token.client_id):
        return token.client_id
    return _client_cached(token)


def _client_cached(token: BearerToken) -> AbstractApplication | None:
    # The token's client, from the cache or read once and kept (rare: it was kept with the token).
    if token.client_id is None:
        return None
    client = access_tokens.client(token.client_id)
    if client is not None:
        return client
    generation = access_tokens.generation()
    model = get_application_model()
    db = router.db_for_read(model)
    client = model.objects.using(db).filter(pk=token.application_id).first()
    if client is not None:
        access_tokens.remember_client(client, db=db, generation=generation)
    return client


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
        access_tokens.sync()
        request.client = access_tokens.client(client_id)
    generation = access_tokens.generation()
    application = load(client_id, request)
    if application is not None:
        # DOT read it with the default routing for reads; so was it kept.
        access_tokens.remember_client(application, db=router.db_for_read(type(application)), generation=generation)
    return application
