"""The token-lifecycle half of our OAuth2Validator: replay, races, lifetimes and account state.

Mixed into ``accounts.oauth_validators.OAuth2Validator`` ahead of DOT's validator, so each hook here
runs DOT's behaviour through ``super()`` and adds only what DOT leaves open.
"""

from collections import OrderedDict

from django.utils.translation import gettext_lazy as _
from oauthlib.common import Request

from tokens import issuance
from tokens.lifetimes import refresh_chain_expired
from tokens.replay import revoke_if_replayed
from tokens.selectors import token_family_of
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
        super()._save_bearer_token(token, request, *args, **kwargs)
        issuance.record_family(request)

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
        """DOT's checks (rotation, reuse, idle limit), then the account state and the absolute lifetime."""
        if not super().validate_refresh_token(refresh_token, client, request, *args, **kwargs):
            return False
        instance = request.refresh_token_instance
        if not instance.user.is_active:
            return False
        # ASVS 10.4.8: refresh tokens have an absolute expiry, even though DOT's idle limit slides.
        return not refresh_chain_expired(refresh_token=instance)

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
