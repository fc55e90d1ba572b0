"""What the token cache keeps: values, never model instances, and the bearer checks made on them.

A cached access token is a :class:`BearerToken`: an immutable record of the columns the bearer checks
read, with the state of its user and client those checks depend on. One record serves every request
that presents the token; nothing a request does can change it.

Users and clients are kept as :class:`Row` values (their concrete fields), from which each request gets
an instance of its own through ``Model.from_db``, exactly as a queryset makes one.
"""

import copy
import functools
import math
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db import models
from django.utils.translation import gettext_lazy as _
from oauth2_provider.models import AbstractAccessToken
from oauth2_provider.settings import oauth2_settings


@dataclass(frozen=True, slots=True)
class BearerToken:
    """An access token as the bearer checks and the API read it: values only, shared by every request.

    It answers what DOT's ``AccessToken`` answers (``is_valid``, ``is_expired``, ``allow_scopes``,
    ``allows_audience``, and the ``scope``, ``user_id`` and ``application_id`` that DRF permissions and
    throttles read), so it is what ``request.auth`` holds for a bearer-authenticated API request.
    """

    id: int
    checksum: str  # the sha256 of the token, as stored (RFC 9700 §4.14: the raw token is never kept)
    scope: str  # as granted, space-separated: DOT's AccessToken.scope, which DOT's TokenHasScope looks for
    scopes: frozenset[str]
    expires: datetime | None  # aware, as stored
    expires_at: float  # the same instant as a POSIX timestamp: every presentation compares it with the clock
    resource: tuple[str, ...]  # RFC 8707 resource indicators; empty: not bound to any resource server
    created: datetime
    application_id: int | None
    client_id: str | None
    client_usable: bool | None  # None: the token has no client
    user_id: int | None
    user_active: bool | None  # None: a client's own token (client credentials), speaking for no user
    # RFC 9449: the thumbprint of the DPoP key the token is bound to (tokens.models.DPoPBinding); "" unbound.
    jkt: str = ""

    @classmethod
    def of(cls, access_token: AbstractAccessToken) -> "BearerToken":
        """The record of ``access_token``, read with its user, client and DPoP binding (``select_related``)."""
        user = access_token.user if access_token.user_id is not None else None
        # A reverse one-to-one that select_related found empty answers DoesNotExist (an AttributeError).
        binding = getattr(access_token, "dpop_binding", None)
        application = access_token.application if access_token.application_id is not None else None
        expires = access_token.expires
        return cls(
            id=access_token.pk,
            checksum=access_token.token_checksum,
            scope=access_token.scope,
            scopes=frozenset(access_token.scope.split()),
            expires=expires,
            expires_at=expires.timestamp() if expires else -math.inf,
            resource=tuple(access_token.resource or ()),
            created=access_token.created,
            application_id=access_token.application_id,
            client_id=application.client_id if application is not None else None,
            # DOT passes the oauthlib request, which this project's Application.is_usable never reads (it is
            # the row's is_active): the answer is a value of the row, and a change to the row drops the record.
            client_usable=application.is_usable(None) if application is not None else None,
            user_id=access_token.user_id,
            user_active=user.is_active if user is not None else None,
            jkt=binding.jkt if binding is not None else "",
        )

    # DOT's AccessToken semantics (oauth2_provider.models.AbstractAccessToken; digests pinned in
    # tests/provider/test_library_copies.py, behaviour compared in tests/token_cache/test_bearer_token_record.py).
    def is_valid(self, scopes: Iterable[str] | None = None) -> bool:
        """Not expired, and carrying every scope in ``scopes``."""
        return not self.is_expired() and self.allow_scopes(scopes)

    def is_expired(self) -> bool:
        """True from the expiry instant on (and for a token without one, as DOT)."""
        return time.time() >= self.expires_at

    def allow_scopes(self, scopes: Iterable[str] | None) -> bool:
        """Whether the token carries every scope in ``scopes`` (no scopes asked: yes)."""
        if not scopes:
            return True
        return self.scopes.issuperset(scopes)

    def allows_audience(self, audience_uri: str) -> bool:
        """RFC 8707: whether a request to ``audience_uri`` is one the token's resources allow.

        A token bound to no resource is unrestricted; a bound one is judged by DOT's configured
        RESOURCE_SERVER_TOKEN_RESOURCE_VALIDATOR (by default, URL prefix matching).
        """
        if not self.resource:
            return True
        validator = oauth2_settings.RESOURCE_SERVER_TOKEN_RESOURCE_VALIDATOR
        if validator is None:
            return True
        return validator(audience_uri, list(self.resource))


def _error(error: str, description) -> dict:
    return {"error": error, "error_description": description}


def bearer_token_refusal(
    *, token: BearerToken | None, scopes: Iterable[str] | None, uri: str | None, proof_jkt: str | None = None
) -> dict | None:
    """Why ``token`` is refused for ``scopes`` on a request to ``uri`` (RFC 6750 error members), or None.

    DOT's ``validate_bearer_token`` checks and refusal texts, in DOT's order (expiry, scope, RFC 8707
    audience, client usable), then this project's: the token's user must still be active, and a token
    bound to a DPoP key is usable only with a verified proof of that key (``proof_jkt``, the thumbprint
    of the proof presented with it, None when it came as a bearer token). Both the validator and the
    API's cached path (token_cache.authentication) ask this one function.
    """
    if token is None:
        return _error("invalid_token", _("The access token is invalid."))
    if token.is_expired():
        return _error("invalid_token", _("The access token has expired."))
    if not token.allow_scopes(scopes):
        return _error("insufficient_scope", _("The access token is valid but does not have enough scope."))
    # As DOT: only resource-bound tokens are audience-checked, and they fail closed without a URI.
    if token.resource and not token.allows_audience((uri or "").split("?")[0]):
        return _error("invalid_token", _("The access token is not valid for this resource."))
    if token.client_usable is False:
        # A disabled client's tokens stop working at once, even before its revocation reaches them.
        return _error("invalid_token", _("The access token is invalid."))
    if token.user_active is False:
        # Deactivation revokes tokens too; this is the backstop should a token outlive that.
        return _error("invalid_token", _("The access token is invalid."))
    return dpop_binding_refusal(token=token, proof_jkt=proof_jkt)


def dpop_binding_refusal(*, token: BearerToken, proof_jkt: str | None) -> dict | None:
    """RFC 9449 §7.1-7.2: a bound token needs a proof of its key; a proof goes only with a bound token.

    A bound token presented as a bearer token is exactly what DPoP exists to refuse (a copied token).
    An unbound token presented with the DPoP scheme is refused too: the client believes it holds a
    sender-constrained token and should learn it does not.
    """
    if token.jkt and proof_jkt is None:
        return _error("invalid_token", _("The access token is bound to a DPoP key: present it with a DPoP proof."))
    if proof_jkt is not None and not token.jkt:
        return _error("invalid_token", _("The access token is not bound to a DPoP key: present it as a bearer token."))
    if proof_jkt is not None and proof_jkt != token.jkt:
        return _error("invalid_token", _("The DPoP proof is signed by another key than the token is bound to."))
    return None


@functools.cache
def _layout(model: type[models.Model]) -> tuple[tuple[str, ...], tuple[int, ...]]:
    """The attribute names of ``model``'s concrete fields (``from_db``'s order), and which hold JSON."""
    fields = model._meta.concrete_fields
    names = tuple(field.attname for field in fields)
    mutable = tuple(index for index, field in enumerate(fields) if isinstance(field, models.JSONField))
    return names, mutable


def _frozen(value):
    # A JSON value the cache owns. Lists of strings (a client's grant types, allowed scopes, a token's
    # resources) become tuples, which JSON never decodes to, so handing one out afresh is a cheap list().
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return tuple(value)
    return copy.deepcopy(value)


def _thawed(value):
    # A JSON value for one instance: a view may change it in place, which must never reach the next request.
    return list(value) if value.__class__ is tuple else copy.deepcopy(value)


@dataclass(frozen=True, slots=True)
class Row:
    """One model row as the values of its concrete fields; each request gets an instance of its own."""

    model: type[models.Model]
    db: str
    values: tuple

    @classmethod
    def of(cls, instance: models.Model, *, db: str) -> "Row":
        """The values of ``instance``, just read from ``db``, owned by the cache from now on."""
        names, mutable = _layout(type(instance))
        values = [getattr(instance, name) for name in names]
        for index in mutable:
            # The caller keeps ``instance``: a list it later changes in place must not change the cache.
            values[index] = _frozen(values[index])
        return cls(type(instance), db, tuple(values))

    def instance(self) -> models.Model:
        """A new instance of the row, as a queryset reading it from ``db`` would make it."""
        names, mutable = _layout(self.model)
        values = list(self.values)
        for index in mutable:
            values[index] = _thawed(values[index])
        return self.model.from_db(self.db, names, values)
