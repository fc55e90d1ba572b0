"""What one protocol request has established so far, in one typed object instead of loose request attributes.

oauthlib calls the validator's hooks one after another on the same ``oauthlib.common.Request``; a later
hook often needs what an earlier one read (the authorization code's row, the refresh token locked for
update, the tokens just written). Each hook reads and writes :class:`TokenRequestState`, attached to
the oauthlib request once by :func:`request_state`; the attributes oauthlib and DOT define themselves
(``client``, ``user``, ``scopes``, ``refresh_token_instance``, ``access_token``...) stay where they are.

The token view needs one thing back from the validator: the access token it saved, to send DOT's
``app_authorized`` without reading the row back. oauthlib builds its request inside the server, out of
the view's reach, so the view opens the state first (:func:`token_request`) and the validator's
:func:`request_state` adopts that same object: one state, one way for the issued token to travel.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from oauth2_provider.models import AccessToken, Grant, IDToken, RefreshToken
    from oauthlib.common import Request


@dataclass(slots=True)
class TokenRequestState:
    """What one token request has established so far; each later hook reads it instead of re-querying."""

    # The authorization code's row (with its user), read once for every hook that asks about the code.
    grant_code: str | None = None
    grant: Grant | None = None
    # When the user behind the code or refresh token signed in: the ID token's auth_time (OIDC Core §2).
    auth_time: datetime | None = None
    # How that user signed in (RFC 8176 amr values, provider.acr): the ID token's amr and acr.
    amr: list[str] | None = None
    # The sign-in session behind the code or refresh token: the ID token's sid (accounts.sessions), "" if unknown.
    sid: str = ""
    # tokens.issuance deleted the code inside the save: oauthlib's later invalidation has nothing to do.
    code_consumed: bool = False
    # sha256 of the code's PKCE challenge, kept on the token family for replay checks (tokens.replay).
    code_challenge_checksum: str = ""
    # The refresh token validate_refresh_token read under a row lock in this transaction (None: not locked).
    locked_refresh_token: RefreshToken | None = None
    # A retry of a rotated refresh token within its client's retry window (tokens.retry): the unused token the
    # rotation issued, locked, to be revoked in favour of a new pair.
    retried_successor: RefreshToken | None = None
    # RFC 8707 resources checked and settled on request.resource before the code or refresh token is claimed.
    resource_checked: bool = False
    # What the save wrote, for the token family, the view's app_authorized and clean-up after a failed save.
    issued_access_token: AccessToken | None = None
    issued_refresh_token: RefreshToken | None = None
    issued_id_token: IDToken | None = None
    # RFC 9449: the thumbprint of the key a verified DPoP proof of this request demonstrated (None: no proof).
    # At the token endpoint the tokens issued are bound to it; at a resource it must be the token's key.
    dpop_jkt: str | None = None
    # The serialized ID token just signed: DOT links it to the access token by parsing it back otherwise.
    signed_id_token: str | None = None


_open_state: ContextVar[TokenRequestState | None] = ContextVar("token_request_state", default=None)


@contextmanager
def token_request() -> Iterator[TokenRequestState]:
    """Open the state of one HTTP token request: the validator fills it, the view reads what was issued."""
    state = TokenRequestState()
    token = _open_state.set(state)
    try:
        yield state
    finally:
        _open_state.reset(token)


def open_state() -> TokenRequestState | None:
    """The state the current token view opened, for the DOT hooks that are not handed the request."""
    return _open_state.get()


def request_state(request: Request) -> TokenRequestState:
    """The state of ``request``, attached on first use: the one a view opened, else a fresh one."""
    # oauthlib's Request answers unknown attributes from its parameters: read the instance dict directly.
    state = request.__dict__.get("_state")
    if state is None:
        state = _open_state.get() or TokenRequestState()
        request._state = state
    return state


def dpop_proof_verified(request: Request, *, jkt: str | None) -> None:
    """Record that a DPoP proof of the key with thumbprint ``jkt`` was verified for ``request`` (None: no proof).

    For a caller that builds an oauthlib request itself to present a token (token_cache.authentication).
    """
    request_state(request).dpop_jkt = jkt
