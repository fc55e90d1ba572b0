"""The provider's OAuth2Validator: claims, per-client grants, and client-secret checks."""

import base64
import binascii
import logging
from urllib.parse import unquote_plus

from django.conf import settings
from django.contrib.auth.hashers import check_password, get_hasher, identify_hasher
from oauth2_provider.oauth2_validators import OAuth2Validator as DOTOAuth2Validator
from oauth2_provider.scopes import get_scopes_backend
from oauthlib.oauth2.rfc6749 import utils

from accounts.id_token_keys import retired_signing_key, unverified_kid
from accounts.request_guard import client_id_is_malformed
from accounts.throttling import check_client_auth_allowed, client_auth_failed, presented_client_id
from accounts.token_transaction import EndpointTransactionMixin
from audit.oauth_events import live_token_type, record_refresh_reuse_if_detected, record_revocation
from clients.models import CONFIDENTIAL_ONLY_GRANTS, TOKEN_GRANT_TYPES, GrantType
from clients.secret_rotation import previous_secret_matches
from token_cache.endpoint_reads import TokenEndpointReadsMixin
from token_cache.selectors import access_token_cached, application_cached
from tokens.validator import TokenLifecycleMixin

log = logging.getLogger(__name__)


class OAuth2Validator(TokenLifecycleMixin, TokenEndpointReadsMixin, EndpointTransactionMixin, DOTOAuth2Validator):
    """DOT's validator with the per-client rules our admins set (token lifecycle rules: tokens.validator)."""

    # Copy, never mutate, DOT's class-level mapping of claims to the scope that releases them.
    oidc_claim_scope = {**DOTOAuth2Validator.oidc_claim_scope, "email_verified": "email"}

    # CLAIMS
    # --------------------------------------------------------------------------
    def get_additional_claims(self):
        """Claims released by scope (see ``oidc_claim_scope``); request-agnostic so discovery lists them."""
        return {
            "name": lambda request: request.user.get_full_name() or request.user.username,
            "given_name": lambda request: request.user.first_name,
            "family_name": lambda request: request.user.last_name,
            "preferred_username": lambda request: request.user.username,
            "email": lambda request: request.user.email,
            "email_verified": lambda request: request.user.email_verified,
        }

    # GRANTS
    # --------------------------------------------------------------------------
    def validate_grant_type(self, client_id, grant_type, client, request, *args, **kwargs) -> bool:
        """Allow exactly the grants an admin gave this client (DOT allows one grant per client).

        The password grant is refused globally by COMPLIANT_BCP_RFC9700_PASSWORD_GRANT; a client an admin
        explicitly gave the legacy password grant is the one exception, so it is decided here rather
        than by DOT's global gate.
        """
        needed = TOKEN_GRANT_TYPES.get(grant_type)
        if needed in CONFIDENTIAL_ONLY_GRANTS and request.client.client_type != request.client.CLIENT_CONFIDENTIAL:
            # The admin form refuses these for public clients; a row written around it must not open them.
            return False
        return needed is not None and needed in request.client.grant_types

    def save_bearer_token(self, token, request, *args, **kwargs):
        # A refresh token is a long-lived credential: issue one only to clients given the refresh grant.
        if "refresh_token" in token and GrantType.REFRESH_TOKEN not in request.client.grant_types:
            del token["refresh_token"]
        return super().save_bearer_token(token, request, *args, **kwargs)

    # SCOPES
    # --------------------------------------------------------------------------
    def get_original_scopes(self, refresh_token, request, *args, **kwargs) -> list[str]:
        """The refreshed grant's scopes, less any an admin has since taken from the client.

        oauthlib re-issues the original scopes on refresh without asking validate_scopes, so without
        this a client would keep a scope for as long as it kept refreshing.
        """
        original = utils.scope_to_list(super().get_original_scopes(refresh_token, request, *args, **kwargs))
        available = get_scopes_backend().get_available_scopes(application=request.client, request=request)
        return [scope for scope in original if scope in available]

    # PROMPT=NONE (OIDC Core §3.1.2.1); DOT leaves both hooks unimplemented
    # --------------------------------------------------------------------------
    def validate_silent_login(self, request) -> bool:
        """True: DOT's authorization view answers a signed-out prompt=none with login_required itself."""
        return True

    def validate_silent_authorization(self, request) -> bool:
        """True here: oauthlib's request carries no user, so accounts.views.ConsentView decides.

        It approves silently only for a trusted client or remembered consent covering every requested
        scope, and otherwise redirects with consent_required.
        """
        return True

    # ID TOKENS
    # --------------------------------------------------------------------------
    def validate_jwt_bearer_token(self, token, scopes, request) -> bool:
        """Never: an ID token tells a client who signed in; it is not a credential for resources.

        oauthlib's OpenID server treats any ``Bearer ey...`` value as a JWT token type and DOT then
        accepts a live ID token wherever an access token is expected (OIDC Core §2, RFC 9700 §2.3).
        """
        return False

    def _get_key_for_token(self, token):
        """The key named by the ID token's ``kid``: one signed before a key rotation still verifies."""
        key = super()._get_key_for_token(token)
        if key is None or key.get("kty") != "RSA":
            return key
        kid = unverified_kid(token)
        if kid is None or kid == key.thumbprint():
            return key
        return retired_signing_key(kid) or key

    # BEARER TOKENS
    # --------------------------------------------------------------------------
    def _load_access_token(self, token):
        # DOT's joined query, answered from the per-process cache that revocations invalidate (token_cache);
        # every check DOT and we make on the token still runs on what it returns.
        return access_token_cached(raw_token=token, load=super()._load_access_token)

    def _load_application(self, client_id, request):
        # DOT's lookup by client_id (every token, revocation and introspection request), from the same cache.
        return application_cached(client_id=client_id, request=request, load=super()._load_application)

    # CLIENT AUTHENTICATION
    # --------------------------------------------------------------------------
    def _check_secret(self, provided_secret: str, stored_secret: str) -> bool:
        """Only hashed secrets count: a plain-text stored secret (never written by us) is refused."""
        if not provided_secret or not stored_secret:
            return False
        try:
            identify_hasher(stored_secret)
        except ValueError:
            log.error("Refusing a client whose stored secret is not hashed.")
            return False
        return check_password(provided_secret, stored_secret)

    def authenticate_client(self, request, *args, **kwargs) -> bool:
        # Brute force (accounts.throttling): a blocked client_id or IP gets a 429 before any secret is checked.
        check_client_auth_allowed(request)
        if client_id_is_malformed(presented_client_id(request)):
            client_auth_failed(request)  # never looked up: no client has such an id (request_guard)
            return False
        authenticated = super().authenticate_client(request, *args, **kwargs)
        if authenticated:
            self._upgrade_secret_hash(request)
        else:
            authenticated = self._authenticate_with_previous_secret(request)
        if not authenticated:
            client_auth_failed(request)
        return authenticated

    def _authenticate_with_previous_secret(self, request) -> bool:
        """Secret rotation with overlap: a replaced secret works until it expires or an admin retires it."""
        client_id, secret = self._presented_credentials(request)
        if not client_id or not secret or self._load_application(client_id, request) is None:
            return False
        return previous_secret_matches(application=request.client, secret=secret)

    def _upgrade_secret_hash(self, request) -> None:
        """Re-hash a secret stored with a slow password hasher with the fast client-secret hasher."""
        client = request.client
        # "default" (DOT's default) names Django's first password hasher: compare algorithms, not names.
        wanted = get_hasher(settings.OAUTH2_PROVIDER["CLIENT_SECRET_HASHER"]).algorithm
        if client.client_secret.startswith(f"{wanted}$"):
            return  # the usual case, told from the stored hash's prefix without asking every hasher
        try:
            current = identify_hasher(client.client_secret).algorithm
        except ValueError:
            return
        plain = self._presented_secret(request)
        if current == wanted or not plain:
            return
        client.client_secret = plain  # ClientSecretField hashes it with CLIENT_SECRET_HASHER on save
        client.save(update_fields=["client_secret"])

    def _presented_secret(self, request) -> str:
        """The secret the client authenticated with, from HTTP Basic or the request body."""
        return self._presented_credentials(request)[1]

    def _presented_credentials(self, request) -> tuple[str, str]:
        """The (client_id, secret) the client presented, from HTTP Basic or else the request body."""
        auth_string = self._extract_basic_auth(request)
        if auth_string:
            try:
                client_id, secret = base64.b64decode(auth_string).decode("utf-8").split(":", 1)
            except (binascii.Error, ValueError):
                return "", ""
            return unquote_plus(client_id), unquote_plus(secret)
        return getattr(request, "client_id", "") or "", getattr(request, "client_secret", "") or ""

    # AUDIT: events no signal announces, recorded by audit.oauth_events
    # --------------------------------------------------------------------------
    def validate_refresh_token(self, refresh_token, client, request, *args, **kwargs) -> bool:
        valid = super().validate_refresh_token(refresh_token, client, request, *args, **kwargs)
        if not valid:
            record_refresh_reuse_if_detected(request=request, raw_refresh_token=refresh_token)
        return valid

    def revoke_token(self, token, token_type_hint, request, *args, **kwargs) -> None:
        token_type = live_token_type(raw_token=token, application=request.client)
        super().revoke_token(token, token_type_hint, request, *args, **kwargs)
        record_revocation(request=request, raw_token=token, token_type=token_type)
