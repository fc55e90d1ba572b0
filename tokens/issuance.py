"""What happens around DOT's token save, inside the transaction DOT opens for it.

oauthlib validates a token request (code, refresh token) before DOT's ``save_bearer_token`` opens its
transaction, and deletes the authorization code only *after* the tokens are saved. Two requests with
the same code or refresh token can therefore both pass validation and both be issued tokens. Here the
grant is claimed again under a row lock, first thing in the issuing transaction, so exactly one
request wins and every other one rolls back with invalid_grant before anything is written.
"""

import logging
from datetime import timedelta
from typing import Protocol

from django.utils import timezone
from oauth2_provider.models import get_grant_model, get_id_token_model, get_refresh_token_model
from oauth2_provider.settings import oauth2_settings
from oauthlib.common import Request

from tokens.checksums import sha256_hex
from tokens.exceptions import CodeAlreadyRedeemed, RefreshTokenAlreadyUsed
from tokens.models import TokenFamily
from tokens.replay import revoke_if_replayed
from tokens.services import token_family_revoke
from tokens.signals import refresh_token_reuse_detected


class IssuanceState(Protocol):
    """What issuance reads and records about one token request (provider.state.TokenRequestState is one)."""

    grant: object | None
    code_consumed: bool
    code_challenge_checksum: str
    sid: str
    dpop_jkt: str | None
    locked_refresh_token: object | None
    retried_successor: object | None
    issued_access_token: object | None
    issued_refresh_token: object | None
    issued_id_token: object | None


log = logging.getLogger(__name__)

# Grants whose tokens start a new family; refresh continues one, client credentials has no user to track.
FAMILY_STARTING_GRANTS = {"authorization_code", "password", "urn:ietf:params:oauth:grant-type:device_code"}


def claim_grant(request: Request, state: IssuanceState) -> None:
    """Consume the authorization code, or lock the refresh token, before any token row is written.

    Raises a subclass of InvalidGrantError when another request got there first; the caller's
    transaction then rolls back and nothing is issued.
    """
    if request.grant_type == "authorization_code":
        _consume_code(request, state)
    elif request.grant_type == "refresh_token":
        _lock_refresh_token(request, state)


def _consume_code(request: Request, state: IssuanceState) -> None:
    # The DELETE is the claim: concurrent redemptions queue on the row lock it takes, and each one after
    # the first deletes nothing (PostgreSQL re-checks a locked row once its holder commits; SQLite runs
    # one writer at a time). Grant has no dependants or delete signals, so Django sends just this DELETE.
    deleted, _ = get_grant_model().objects.filter(code=request.code, application=request.client).delete()
    if not deleted:
        raise CodeAlreadyRedeemed(request=request)
    state.code_consumed = True
    # Read with the code's other columns during validation (provider.validator: one read of the Grant).
    challenge = state.grant.code_challenge if state.grant is not None else ""
    state.code_challenge_checksum = sha256_hex(challenge) if challenge else ""


def _lock_refresh_token(request: Request, state: IssuanceState) -> None:
    refresh_token = request.refresh_token_instance
    # The validator read it under a lock when validation ran in this transaction; otherwise lock it now.
    if refresh_token is not state.locked_refresh_token:
        refresh_token = get_refresh_token_model().objects.select_for_update().get(pk=refresh_token.pk)
        state.locked_refresh_token = refresh_token
    if refresh_token.revoked is None or state.retried_successor is not None:
        # Unrevoked, or rotated and retried within its client's window (tokens.retry, found under this lock).
        request.refresh_token_instance = refresh_token
        return
    # Rotated or revoked after validate_refresh_token ran. DOT would now hand out the tokens the
    # winner got, but they are stored hashed, so it cannot; refuse instead. Outside the grace window
    # this is reuse of a spent token, which revokes the family (RFC 9700 §4.14.2).
    grace = timedelta(seconds=oauth2_settings.REFRESH_TOKEN_GRACE_PERIOD_SECONDS or 0)
    reused = refresh_token.revoked <= timezone.now() - grace
    family = refresh_token.token_family if reused and oauth2_settings.REFRESH_TOKEN_REUSE_PROTECTION else None
    raise RefreshTokenAlreadyUsed(request=request, token_family=family)


def record_family(request: Request, state: IssuanceState) -> None:
    """Remember when a new chain of tokens started and, for the code grant, which code and sign-in started it."""
    if request.grant_type not in FAMILY_STARTING_GRANTS:
        return
    access_token = state.issued_access_token
    refresh_token = state.issued_refresh_token
    if access_token is None:
        return
    family = TokenFamily(
        application=request.client,
        user=request.user,
        grant_type=request.grant_type,
        first_access_token=access_token,
        scope=access_token.scope or "",  # what every later refresh of the chain may ask for (RFC 6749 §6)
    )
    if refresh_token is not None and refresh_token.token_family:
        family.id = refresh_token.token_family
    if state.dpop_jkt and request.client.client_type == request.client.CLIENT_PUBLIC:
        # RFC 9449 §5: a public client's refresh tokens are bound to the proof's key (provider.dpop_binding);
        # a confidential client's are already constrained by its own authentication, and stay unbound.
        family.dpop_jkt = state.dpop_jkt
    if request.grant_type == "authorization_code":
        family.code_checksum = sha256_hex(request.code)
        family.code_challenge_checksum = state.code_challenge_checksum
        family.auth_time = state.auth_time  # for the ID tokens of later refreshes (tokens.auth_time)
        family.amr = state.amr
        family.sid = state.sid
    family.save(force_insert=True)


def after_failed_save(request: Request, state: IssuanceState, error: Exception) -> None:
    """Clean up after a token save that rolled back, and act on the replay or reuse it revealed.

    Runs after the rollback, so the revocation it performs is not undone with the failed issuance.
    """
    _discard_unsent_id_token(state)
    if isinstance(error, CodeAlreadyRedeemed):
        revoke_if_replayed(code=request.code, request=request)
    elif isinstance(error, RefreshTokenAlreadyUsed) and error.token_family:
        token_family_revoke(family_id=error.token_family)
        log.warning(
            "Spent refresh token reused by client %s: family %s revoked.", request.client.pk, error.token_family
        )
        refresh_token_reuse_detected.send(
            sender=after_failed_save, application=request.client, user=request.user, token_family=error.token_family
        )


def _discard_unsent_id_token(state: IssuanceState) -> None:
    """Delete the ID token oauthlib signed before the save that then failed: it was never sent.

    oauthlib adds the ID token (and DOT stores it, in its own transaction) before the access token
    is saved, so a save that rolls back would otherwise leave it behind, bound to nothing.
    """
    id_token = state.issued_id_token
    if id_token is None:
        return
    try:
        get_id_token_model().objects.filter(pk=id_token.pk).delete()
    except Exception:  # the database may be the reason the save failed; cleartokens removes it later
        log.warning("Could not delete the unsent ID token %s after a failed token save.", id_token.pk)
