"""The token-lifecycle half of our OAuth2Validator: replay, races, lifetimes and account state.

Mixed into ``accounts.oauth_validators.OAuth2Validator`` ahead of DOT's validator, so each hook here
runs DOT's behaviour through ``super()`` and adds only what DOT leaves open. Two are the exception, for
the refresh grant's cost: ``validate_refresh_token`` and the rotation in ``_save_bearer_token`` re-state
DOT's code around one locked read instead of calling it (tests/tokens/test_dot_restatements.py notices
when DOT changes it).
"""

from collections import OrderedDict
from datetime import timedelta

from django.db import router, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from oauth2_provider.models import get_access_token_model, get_refresh_token_model, refresh_token_expire_timedelta
from oauth2_provider.settings import oauth2_settings
from oauthlib.common import Request

from tokens import issuance
from tokens.lifetimes import refresh_chain_expired
from tokens.replay import revoke_if_replayed
from tokens.rotation import refresh_token_retire
from tokens.selectors import refresh_token_presented, token_family_of
from tokens.services import token_family_revoke


class TokenLifecycleMixin:
    """Authorization-code replay, single-winner issuance, absolute refresh lifetime, inactive users."""

    # CODE GRANT
    # --------------------------------------------------------------------------
    def validate_code(self, client_id, code, client, request: Request, *args, **kwargs) -> bool:
        """DOT's check, then: a redeemed code presented again revokes its tokens (RFC 6749 §4.1.2)."""
        if super().validate_code(client_id, code, client, request, *args, **kwargs):
            # A code issued moments before its user was deactivated buys nothing.
            return request.user.is_active
        revoke_if_replayed(code=code, request=request)
        return False

    def invalidate_authorization_code(self, client_id, code, request: Request, *args, **kwargs) -> None:
        # oauthlib calls this after the save; tokens.issuance already consumed the code inside it.
        if getattr(request, "authorization_code_consumed", False):
            return
        super().invalidate_authorization_code(client_id, code, request, *args, **kwargs)

    # ISSUANCE
    # --------------------------------------------------------------------------
    def save_bearer_token(self, token, request: Request, *args, **kwargs):
        try:
            return super().save_bearer_token(token, request, *args, **kwargs)
        except Exception as error:
            issuance.after_failed_save(request, error)
            raise

    def _save_bearer_token(self, token, request: Request, *args, **kwargs) -> None:
        # Inside DOT's transaction: claim the grant under a lock first, so only one request issues.
        issuance.claim_grant(request)
        if self._rotates_locked_refresh_token(token, request):
            self._rotate_refresh_token(token, request)
        else:
            super()._save_bearer_token(token, request, *args, **kwargs)
        issuance.record_family(request)

    def _rotates_locked_refresh_token(self, token, request: Request) -> bool:
        """Whether this save is a plain rotation of a refresh token this transaction holds locked."""
        refresh_token = getattr(request, "refresh_token_instance", None)
        return (
            request.grant_type == "refresh_token"
            and bool(token.get("refresh_token"))
            and "scope" in token  # DOT refuses a token without one; leave that to DOT
            and self.rotate_refresh_token(request)
            and refresh_token is not None
            and refresh_token is getattr(request, "locked_refresh_token", None)
            and refresh_token.revoked is None
        )

    def _rotate_refresh_token(self, token, request: Request) -> None:
        """DOT's rotation branch of ``_save_bearer_token`` (oauth2_provider 3.4.1), without re-locking.

        DOT re-locks the refresh token, then locks any access token a previous rotation issued from it
        and, if there is one, returns that pair again (its grace period). Neither can happen here: the
        refresh token was read under a lock in this transaction (validate_refresh_token) and is still
        unrevoked (tokens.issuance checked), and a rotation revokes its refresh token in the
        transaction that issues from it, so no access token has come from this one yet. What is left is
        DOT's fresh pair: retire the old token (tokens.rotation), then create the new access token from
        it and the new refresh token in its family, through the same hooks DOT calls.
        """
        self._check_and_set_request_resource(request)  # RFC 8707: inherits or narrows the old token's
        expires = timezone.now() + timedelta(
            seconds=token.get("expires_in", oauth2_settings.ACCESS_TOKEN_EXPIRE_SECONDS)
        )
        previous = request.refresh_token_instance
        refresh_token_retire(refresh_token=previous)
        request.refresh_token_instance = None  # as DOT leaves it once the old token is revoked
        access_token = self._create_access_token(expires, request, token, source_refresh_token=previous)
        self._create_refresh_token(request, token["refresh_token"], access_token, previous)

    def _create_access_token(self, expires, request: Request, token, source_refresh_token=None):
        request.issued_access_token = super()._create_access_token(expires, request, token, source_refresh_token)
        return request.issued_access_token

    def _create_refresh_token(self, request: Request, refresh_token_code, access_token, previous_refresh_token):
        request.issued_refresh_token = super()._create_refresh_token(
            request, refresh_token_code, access_token, previous_refresh_token
        )
        return request.issued_refresh_token

    def _save_id_token(self, jti, request: Request, expires, *args, **kwargs):
        request.issued_id_token = super()._save_id_token(jti, request, expires, *args, **kwargs)
        return request.issued_id_token

    # REFRESH AND BEARER TOKENS
    # --------------------------------------------------------------------------
    def validate_refresh_token(self, refresh_token, client, request: Request, *args, **kwargs) -> bool:
        """DOT's checks (rotation, reuse, idle limit), then the account state and the absolute lifetime.

        DOT's method (oauth2_provider 3.4.1) re-stated branch for branch, around one read of the token
        with its user, access token and chain start (DOT loads the user, the client and, here, the
        family each on its own). Inside the token endpoint's transaction the row is locked as it is
        read, so the save (tokens.issuance, _rotate_refresh_token) need not lock it again.
        """
        refresh_token_model = get_refresh_token_model()
        lock = transaction.get_connection(router.db_for_write(refresh_token_model)).in_atomic_block
        rt = refresh_token_presented(raw_token=refresh_token, lock=lock)
        if rt is None:
            return False

        if rt.revoked is not None:
            grace = timedelta(seconds=oauth2_settings.REFRESH_TOKEN_GRACE_PERIOD_SECONDS)
            grace_expired = rt.revoked <= timezone.now() - grace
            # DOT: only a token superseded by a rotation (not one revoked) gets the grace window, so a
            # revoked token, or one replayed generations down the chain, is reuse.
            if grace_expired or not get_access_token_model().objects.filter(source_refresh_token=rt).exists():
                if oauth2_settings.REFRESH_TOKEN_REUSE_PROTECTION and rt.token_family:
                    # RFC 9700 §4.14.2: a spent refresh token presented again revokes its whole family.
                    refresh_token_model.revoke_family(rt.token_family)
                return False
        else:
            # DOT's idle limit: an orphan (its access token deleted out of band) or an idle token is dead.
            if rt.access_token is None:
                return False
            expire_delta = refresh_token_expire_timedelta()
            if expire_delta and rt.access_token.expires + expire_delta <= timezone.now():
                return False

        request.user = rt.user
        # The raw token, as DOT keeps it: hashed storage leaves rt.token blank.
        request.refresh_token = refresh_token
        request.refresh_token_instance = rt
        request.locked_refresh_token = rt if lock else None
        # DOT compares the clients as model instances; their primary keys say the same without loading one.
        if client is None or rt.application_id != client.pk:
            return False
        if not rt.user.is_active:
            return False
        # ASVS 10.4.8: refresh tokens have an absolute expiry, even though DOT's idle limit slides.
        return not refresh_chain_expired(refresh_token=rt)

    def validate_bearer_token(self, token, scopes, request: Request) -> bool:
        """DOT's checks (expiry, scope, client usable), and the token's user must still be active."""
        valid = super().validate_bearer_token(token, scopes, request)
        if valid and request.user is not None and not request.user.is_active:
            request.oauth2_error = OrderedDict(
                [("error", "invalid_token"), ("error_description", _("The access token is invalid."))]
            )
            return False
        return valid

    # REVOCATION
    # --------------------------------------------------------------------------
    def revoke_token(self, token, token_type_hint, request: Request, *args, **kwargs) -> None:
        """Revoking a refresh or access token ends its whole grant (RFC 7009 §2.1), even mid-rotation.

        DOT revokes just the presented refresh token; a rotation that committed a moment earlier
        would leave its new pair alive. The family is revoked under a lock instead (tokens.services).
        """
        family_id = token_family_of(raw_token=token, application=request.client)
        if family_id is None:
            super().revoke_token(token, token_type_hint, request, *args, **kwargs)
            return
        token_family_revoke(family_id=family_id)
