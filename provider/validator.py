"""The provider's one OAuth2Validator: every DOT/oauthlib hook we change, overridden here once.

Read it top to bottom, in the order oauthlib asks: client authentication, grants and scopes, the
authorization code, the refresh token, issuance, ID tokens, bearer tokens, revocation. Each hook does
what DOT does (``super()``) and hands what DOT leaves open to a plain function in the app that owns it:
token lineage, replay and revocation in ``tokens``, cached reads in ``token_cache``, client rules in
``clients``, throttling in ``provider.throttling``, audit in ``audit``. What a later hook needs from an
earlier one travels in :class:`provider.state.TokenRequestState`, never as a loose request attribute.

A few hooks re-state DOT's code instead of calling it, each because calling it costs queries per
request (tests/provider/test_library_copies.py pins DOT's source of each, with the reason):
the authorization code's six reads become one (``_grant``), the refresh token's validation and rotation
run around one locked read (``validate_refresh_token``, ``_rotate_refresh_token``), and bearer tokens
are checked on their record in the per-process cache (``validate_bearer_token``).
"""

import json
import logging
from datetime import timedelta

from django.contrib.auth.hashers import check_password, get_hasher, identify_hasher
from django.db import router, transaction
from django.utils import timezone
from oauth2_provider.models import (
    AbstractGrant,
    AbstractIDToken,
    get_access_token_model,
    get_grant_model,
    get_refresh_token_model,
    refresh_token_expire_timedelta,
)
from oauth2_provider.oauth2_validators import OAuth2Validator as DOTOAuth2Validator
from oauth2_provider.scopes import get_scopes_backend
from oauth2_provider.settings import oauth2_settings
from oauthlib.common import Request
from oauthlib.oauth2.rfc6749 import utils
from oauthlib.oauth2.rfc6749.errors import InvalidGrantError, InvalidRequestError, UnauthorizedClientError

from audit.oauth_events import record_refresh_reuse, record_revocation
from clients.models import CONFIDENTIAL_ONLY_GRANTS, TOKEN_GRANT_TYPES, GrantType
from clients.secret_rotation import previous_secret_matches
from provider.acr import acr_for
from provider.client_assertions import (
    CLIENT_SECRET_JWT,
    PRIVATE_KEY_JWT,
    AssertionRefused,
    asserted_client_id,
    client_assertion_check,
    presents_assertion,
)
from provider.client_credentials import presented_by_oauthlib_request
from provider.dpop_binding import DPOP_TOKEN_TYPE, bound_grant_refusal
from provider.id_token_keys import retired_signing_key, unverified_kid
from provider.jwt_access_tokens import absolute_request_uri, jwt_access_token_refusal, looks_like_jwt
from provider.request_guard import client_id_is_malformed
from provider.state import open_state, request_state
from provider.throttling import check_client_auth_allowed, client_auth_failed
from token_cache.records import bearer_token_refusal
from token_cache.selectors import application_cached, bearer_token_presented
from tokens import issuance
from tokens.auth_time import (
    grant_amr,
    grant_auth_time,
    grant_authentication_record,
    grant_dpop_jkt,
    grant_redirect_uri_named,
    grant_sid,
)
from tokens.checksums import sha256_hex
from tokens.lifetimes import refresh_chain_expired
from tokens.models import DPoPBinding
from tokens.replay import revoke_if_replayed
from tokens.resources import token_request_resources_check
from tokens.retry import retried_successor
from tokens.rotation import refresh_token_retire
from tokens.selectors import live_token_type, refresh_token_presented
from tokens.services import token_family_revoke, token_revoke

log = logging.getLogger(__name__)


def _in_transaction(model) -> bool:
    return transaction.get_connection(router.db_for_write(model)).in_atomic_block


class OAuth2Validator(DOTOAuth2Validator):
    """DOT's validator with the per-client rules our admins set and the token lifecycle RFC 9700 asks for."""

    # Copy, never mutate, DOT's class-level mapping of claims to the scope that releases them.
    oidc_claim_scope = {**DOTOAuth2Validator.oidc_claim_scope, "email_verified": "email"}

    # CLIENT AUTHENTICATION
    # --------------------------------------------------------------------------
    def authenticate_client(self, request: Request, *args, **kwargs) -> bool:
        """DOT's check behind the brute-force throttle, with rotated secrets and hash upgrades."""
        # A blocked client_id or IP gets a 429 before any secret is checked (provider.throttling).
        check_client_auth_allowed(request)
        if presents_assertion(request):
            authenticated = self._authenticate_with_assertion(request)
            if not authenticated:
                client_auth_failed(request)
            return authenticated
        presented = presented_by_oauthlib_request(request)
        if client_id_is_malformed(presented.client_id):
            client_auth_failed(request)  # never looked up: no client has such an id (request_guard)
            return False
        authenticated = super().authenticate_client(request, *args, **kwargs)
        if authenticated:
            self._upgrade_secret_hash(request, presented.secret)
        elif presented.client_id and presented.secret and self._load_application(presented.client_id, request):
            # Secret rotation with overlap: a replaced secret works until it expires or an admin retires it.
            authenticated = previous_secret_matches(application=request.client, secret=presented.secret)
        if authenticated and request.client.token_endpoint_auth_method in (PRIVATE_KEY_JWT, CLIENT_SECRET_JWT):
            # An admin moved the client to signed JWTs: its secret sent as such proves nothing now (for
            # client_secret_jwt, the secret travels only as an HMAC key, never over the wire).
            authenticated = False
        if not authenticated:
            client_auth_failed(request)
        return authenticated

    def _authenticate_with_assertion(self, request: Request) -> bool:
        """private_key_jwt (provider.client_assertions): the assertion names the client and proves it."""
        client_id = asserted_client_id(request)
        if client_id_is_malformed(client_id) or (request.client_id and request.client_id != client_id):
            return False
        if not self._load_application(client_id, request):
            return False
        try:
            client_assertion_check(request=request, application=request.client)
        except AssertionRefused as error:
            log.info("Client assertion of %r refused: %s", client_id, error)
            return False
        request.client_id = client_id
        return True

    def client_authentication_required(self, request: Request, *args, **kwargs) -> bool:
        """DOT's answer, and always for a request carrying a client assertion, whatever the client's type."""
        # Otherwise a public client's id beside a junk assertion would pass as an unauthenticated public client.
        return presents_assertion(request) or super().client_authentication_required(request, *args, **kwargs)

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

    def _upgrade_secret_hash(self, request: Request, plain: str) -> None:
        """Re-hash a secret stored with a slow password hasher with the fast client-secret hasher."""
        client = request.client
        # "default" (DOT's default) names Django's first password hasher: compare algorithms, not names.
        wanted = get_hasher(oauth2_settings.CLIENT_SECRET_HASHER).algorithm
        if not plain or client.client_secret.startswith(f"{wanted}$"):
            return  # the usual case, told from the stored hash's prefix without asking every hasher
        try:
            current = identify_hasher(client.client_secret).algorithm
        except ValueError:
            return
        if current != wanted:
            client.client_secret = plain  # ClientSecretField hashes it with CLIENT_SECRET_HASHER on save
            client.save(update_fields=["client_secret"])

    def _load_application(self, client_id, request: Request):
        # DOT's lookup by client_id (every token, revocation and introspection request), from the per-process
        # cache that every change to the client invalidates (token_cache).
        return application_cached(client_id=client_id, request=request, load=super()._load_application)

    # GRANTS AND SCOPES
    # --------------------------------------------------------------------------
    def validate_grant_type(self, client_id, grant_type, client, request: Request, *args, **kwargs) -> bool:
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

    def validate_user(self, username, password, client, request: Request, *args, **kwargs) -> bool:
        """DOT's password check, made only for a client an admin gave the legacy password grant.

        oauthlib checks the user's password before the grant type, so any client could tell a right
        password (unauthorized_client) from a wrong one (invalid_grant): refuse the grant first.
        """
        if not self.validate_grant_type(request.client_id, "password", client, request):
            raise UnauthorizedClientError(request=request)
        return super().validate_user(username, password, client, request, *args, **kwargs)

    def get_original_scopes(self, refresh_token, request: Request, *args, **kwargs) -> list[str]:
        """The refreshed grant's original scopes, less any an admin has since taken from the client.

        oauthlib re-issues the original scopes on refresh without asking validate_scopes, so without
        this a client would keep a scope for as long as it kept refreshing.
        """
        # RFC 6749 §6: the scope "originally granted by the resource owner", kept on the token family
        # (tokens.selectors read it with the refresh token); DOT's answer, the previous access token's
        # scope, only for chains started before families recorded it.
        granted = getattr(request.refresh_token_instance, "family_scope", None)
        if not granted:
            granted = super().get_original_scopes(refresh_token, request, *args, **kwargs)
        original = utils.scope_to_list(granted)
        available = get_scopes_backend().get_available_scopes(application=request.client, request=request)
        return [scope for scope in original if scope in available]

    # PROMPT=NONE (OIDC Core §3.1.2.1); DOT leaves both hooks unimplemented
    # --------------------------------------------------------------------------
    def validate_silent_login(self, request: Request) -> bool:
        """True: DOT's authorization view answers a signed-out prompt=none with login_required itself."""
        return True

    def validate_silent_authorization(self, request: Request) -> bool:
        """True here: oauthlib's request carries no user, so provider.views.authorization.ConsentView decides.

        It approves silently only for a trusted client or remembered consent covering every requested
        scope, and otherwise redirects with consent_required.
        """
        return True

    # AUTHORIZATION CODE: one read of the Grant row for every hook that asks about the code
    # --------------------------------------------------------------------------
    @staticmethod
    def _grant(code: str, request: Request) -> AbstractGrant | None:
        """The Grant for ``code``, with its user, read once per request (None when there is none).

        DOT's hooks each read the row again (six times per code exchange: scopes, the code check, the
        redirect URI, the PKCE challenge and method, the nonce).
        """
        state = request_state(request)
        if state.grant_code != code:
            grants = get_grant_model().objects.select_related("user", "authentication")
            state.grant = grants.filter(code=code).first()
            state.grant_code = code
        return state.grant

    def _client_grant(self, code: str, client, request: Request) -> AbstractGrant | None:
        # DOT's lookups by (code, application): a code issued to another client does not exist for this one.
        grant = self._grant(code, request)
        if grant is None or client is None or grant.application_id != client.pk:
            return None
        return grant

    def get_authorization_code_scopes(self, client_id, code, redirect_uri, request: Request) -> list[str]:
        grant = self._grant(code, request)
        return utils.scope_to_list(grant.scope) if grant is not None and grant.scope else []

    def validate_code(self, client_id, code, client, request: Request, *args, **kwargs) -> bool:
        """DOT's check from the one read; a redeemed code presented again revokes its tokens (RFC 6749 §4.1.2)."""
        grant = self._client_grant(code, client, request)
        if grant is None or grant.is_expired():
            revoke_if_replayed(code=code, request=request)
            return False
        request.scopes = grant.scope.split(" ")
        request.user = grant.user
        request_state(request).auth_time = grant_auth_time(grant=grant)
        request_state(request).amr = grant_amr(grant=grant)
        request_state(request).sid = grant_sid(grant=grant)
        if grant.nonce:
            request.nonce = grant.nonce
        if grant.claims:
            request.claims = json.loads(grant.claims)
        # RFC 9449 §10: a code the authorization request bound to a DPoP key is redeemed only with its proof.
        # The code stays redeemable (nothing is claimed yet), as after a wrong code_verifier.
        refusal = bound_grant_refusal(
            what="authorization code", bound_jkt=grant_dpop_jkt(grant=grant), proof_jkt=request_state(request).dpop_jkt
        )
        if refusal is not None:
            raise InvalidGrantError(description=refusal, request=request)
        # A code issued moments before its user was deactivated buys nothing.
        return request.user.is_active

    def confirm_redirect_uri(self, client_id, code, redirect_uri, client, request: Request, *args, **kwargs) -> bool:
        """The code's redirect URI; a mismatch is invalid_grant (RFC 6749 §5.2), not oauthlib's invalid_request."""
        grant = self._client_grant(code, client, request)
        if (
            grant is not None
            and getattr(request, "using_default_redirect_uri", False)
            and grant_redirect_uri_named(grant=grant)
        ):
            # RFC 6749 §4.1.3: REQUIRED when the authorization request included it; oauthlib would fill in the
            # registered one, and with a single registered URI that would always match.
            raise InvalidRequestError(
                description="The redirect_uri is required: the authorization request included one."
            )
        if grant is None or not grant.redirect_uri_allowed(redirect_uri):
            raise InvalidGrantError(description="The redirect_uri does not match the authorization request.")
        return True

    def get_code_challenge(self, code, request: Request) -> str | None:
        grant = self._client_grant(code, request.client, request)
        return (grant.code_challenge or None) if grant is not None else None

    def get_code_challenge_method(self, code, request: Request) -> str | None:
        grant = self._client_grant(code, request.client, request)
        return (grant.code_challenge_method or None) if grant is not None else None

    def get_authorization_code_nonce(self, client_id, code, redirect_uri, request: Request) -> str | None:
        grant = self._grant(code, request)
        return (grant.nonce or None) if grant is not None else None

    def _create_authorization_code(self, request: Request, code, expires=None):
        """DOT's Grant, with the moment its user signed in beside it (tokens.models.GrantAuthentication)."""
        grant = super()._create_authorization_code(request, code, expires)
        grant_authentication_record(
            grant=grant,
            auth_time=getattr(request, "auth_time", None),
            sid=getattr(request, "sid", None),
            amr=getattr(request, "amr", None),
            redirect_uri_named=getattr(request, "redirect_uri_named", True),
            # RFC 9449 §10: the request's dpop_jkt (checked by provider.authorization_request; a pushed request
            # carries the key of its PAR proof there too). oauthlib answers every query parameter by name.
            dpop_jkt=getattr(request, "dpop_jkt", None) or "",
        )
        return grant

    def invalidate_authorization_code(self, client_id, code, request: Request, *args, **kwargs) -> None:
        # oauthlib calls this after the save; tokens.issuance already consumed the code inside it.
        if not request_state(request).code_consumed:
            super().invalidate_authorization_code(client_id, code, request, *args, **kwargs)

    # REFRESH TOKEN
    # --------------------------------------------------------------------------
    def validate_refresh_token(self, refresh_token, client, request: Request, *args, **kwargs) -> bool:
        """DOT's checks (rotation, reuse, idle limit), then the account state and the absolute lifetime.

        DOT's method re-stated branch for branch around one read of the token with its user, access
        token and chain start (DOT loads the user, the client and the family each on its own). Inside
        the token endpoint's transaction the row is locked as it is read, so the save
        (tokens.issuance, _rotate_refresh_token) need not lock it again.
        """
        refresh_token_model = get_refresh_token_model()
        lock = _in_transaction(refresh_token_model)
        rt = refresh_token_presented(raw_token=refresh_token, lock=lock)
        if rt is None:
            return False

        successor = retried_successor(refresh_token=rt, client=client) if lock and client is not None else None
        if successor is not None:
            # Within the client's retry window, its rotation's pair unused: a lost response retried (tokens.retry).
            request_state(request).retried_successor = successor
        elif rt.revoked is not None:
            grace = timedelta(seconds=oauth2_settings.REFRESH_TOKEN_GRACE_PERIOD_SECONDS)
            grace_expired = rt.revoked <= timezone.now() - grace
            # DOT: only a token superseded by a rotation (not one revoked) gets the grace window, so a
            # revoked token, or one replayed generations down the chain, is reuse.
            if grace_expired or not get_access_token_model().objects.filter(source_refresh_token=rt).exists():
                if oauth2_settings.REFRESH_TOKEN_REUSE_PROTECTION and rt.token_family:
                    # RFC 9700 §4.14.2: a spent refresh token presented again revokes its whole family.
                    token_family_revoke(family_id=rt.token_family)
                record_refresh_reuse(request=request, refresh_token=rt)
                return False
        else:
            # DOT's idle limit: an orphan (its access token deleted out of band) or an idle token is dead.
            if rt.access_token is None:
                return False
            expire_delta = refresh_token_expire_timedelta()
            if expire_delta and rt.access_token.expires + expire_delta <= timezone.now():
                return False

        request.user = rt.user
        # OIDC Core §12.2: a refreshed ID token names the original sign-in, read with the token (tokens.selectors).
        request_state(request).auth_time = rt.family_auth_time
        request_state(request).amr = rt.family_amr
        request_state(request).sid = rt.family_sid or ""
        # The raw token, as DOT keeps it: hashed storage leaves rt.token blank.
        request.refresh_token = refresh_token
        request.refresh_token_instance = rt
        request_state(request).locked_refresh_token = rt if lock else None
        # DOT compares the clients as model instances; their primary keys say the same without loading one.
        if client is None or rt.application_id != client.pk:
            return False
        if not rt.user.is_active:
            return False
        # RFC 9449 §5: a public client's chain started with a DPoP proof is usable only with that key.
        refusal = bound_grant_refusal(
            what="refresh token", bound_jkt=rt.family_dpop_jkt, proof_jkt=request_state(request).dpop_jkt
        )
        if refusal is not None:
            raise InvalidGrantError(description=refusal, request=request)
        # ASVS 10.4.8: refresh tokens have an absolute expiry, even though DOT's idle limit slides.
        return not refresh_chain_expired(refresh_token=rt)

    # ISSUANCE
    # --------------------------------------------------------------------------
    def save_bearer_token(self, token, request: Request, *args, **kwargs):
        """DOT's save (in its own atomic block), after the checks that must refuse before anything is claimed."""
        # A refresh token is a long-lived credential: issue one only to clients given the refresh grant.
        if "refresh_token" in token and GrantType.REFRESH_TOKEN not in request.client.grant_types:
            del token["refresh_token"]
        if request_state(request).dpop_jkt is not None:
            # RFC 9449 §5.1: a token bound to the proof's key says so; oauthlib serializes this dict next.
            token["token_type"] = DPOP_TOKEN_TYPE
        try:
            # RFC 8707 refusals (invalid_target) before the code or refresh token is claimed: DOT checks
            # inside the save, where our claim has already consumed the code and its resources with it.
            self._check_and_set_request_resource(request)
            if request.grant_type == "client_credentials" and self._in_request_transaction():
                # DOT's save is only its savepoint around _save_bearer_token (its docstring keeps the two
                # apart for this). A savepoint lets a refusal raised after a write undo that write alone;
                # a client credentials save has none to undo (it claims nothing, its refusals come
                # before its one INSERT), and any database error rolls the request's whole transaction
                # back (provider.views.token). Two round trips fewer per token.
                return self._save_bearer_token(token, request, *args, **kwargs)
            return super().save_bearer_token(token, request, *args, **kwargs)
        except Exception as error:
            issuance.after_failed_save(request, request_state(request), error)
            raise

    @staticmethod
    def _in_request_transaction() -> bool:
        return transaction.get_connection(router.db_for_write(get_access_token_model())).in_atomic_block

    def _check_and_set_request_resource(self, request: Request) -> None:
        # Once per request: save_bearer_token runs it before the claim; DOT's second run inside the save
        # would look the code up again, find it deleted and drop its resources.
        # DOT's method reads the Grant again for its resources; ours is given the row validate_code read.
        state = request_state(request)
        if not state.resource_checked:
            grant = self._client_grant(request.code, request.client, request) if request.code else None
            token_request_resources_check(request=request, grant=grant, validate_uris=self._validate_resource_uris)
            state.resource_checked = True

    def _save_bearer_token(self, token, request: Request, *args, **kwargs) -> None:
        # Inside DOT's transaction: claim the grant under a lock first, so only one request issues.
        issuance.claim_grant(request, request_state(request))
        if self._rotates_locked_refresh_token(token, request):
            self._rotate_refresh_token(token, request)
        else:
            super()._save_bearer_token(token, request, *args, **kwargs)
        issuance.record_family(request, request_state(request))

    def _rotates_locked_refresh_token(self, token, request: Request) -> bool:
        """Whether this save is a plain rotation of a refresh token this transaction holds locked."""
        refresh_token = getattr(request, "refresh_token_instance", None)
        return (
            request.grant_type == "refresh_token"
            and bool(token.get("refresh_token"))
            and "scope" in token  # DOT refuses a token without one; leave that to DOT
            and self.rotate_refresh_token(request)
            and refresh_token is not None
            and refresh_token is request_state(request).locked_refresh_token
            and (refresh_token.revoked is None or request_state(request).retried_successor is not None)
        )

    def _rotate_refresh_token(self, token, request: Request) -> None:
        """DOT's rotation branch of ``_save_bearer_token``, without re-locking.

        DOT re-locks the refresh token, then locks any access token a previous rotation issued from it
        and, if there is one, returns that pair again (its grace period). Neither can happen here: the
        refresh token was read under a lock in this transaction (validate_refresh_token) and is still
        unrevoked (tokens.issuance checked), and a rotation revokes its refresh token in the
        transaction that issues from it, so no access token has come from this one yet. What is left is
        DOT's fresh pair: retire the old token (tokens.rotation), then create the new access token from
        it and the new refresh token in its family, through the same hooks DOT calls. A retry within the
        client's window (tokens.retry) is the one exception: the old token is already retired, and the
        unused pair its rotation issued is retired instead, which frees the old token's one access token.
        """
        expires = timezone.now() + timedelta(
            seconds=token.get("expires_in", oauth2_settings.ACCESS_TOKEN_EXPIRE_SECONDS)
        )
        previous = request.refresh_token_instance
        # A retry (tokens.retry) retires the unused pair the first rotation issued; the old token is retired already.
        retried = request_state(request).retried_successor
        refresh_token_retire(refresh_token=retried if retried is not None else previous)
        request.refresh_token_instance = None  # as DOT leaves it once the old token is revoked
        access_token = self._create_access_token(expires, request, token, source_refresh_token=previous)
        self._create_refresh_token(request, token["refresh_token"], access_token, previous)

    def _create_access_token(self, expires, request: Request, token, source_refresh_token=None):
        access_token = super()._create_access_token(expires, request, token, source_refresh_token)
        request_state(request).issued_access_token = access_token
        jkt = request_state(request).dpop_jkt
        if jkt is not None:
            # RFC 9449 §6: the key the token is bound to, kept with it for every presentation and introspection.
            DPoPBinding.objects.create(access_token=access_token, jkt=jkt)
        return access_token

    def _create_refresh_token(self, request: Request, refresh_token_code, access_token, previous_refresh_token):
        refresh_token = super()._create_refresh_token(
            request, refresh_token_code, access_token, previous_refresh_token
        )
        request_state(request).issued_refresh_token = refresh_token
        return refresh_token

    # ID TOKENS
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

    def get_id_token_dictionary(self, token, token_handler, request: Request):
        """DOT's claims, with ``auth_time`` the sign-in behind the code (OIDC Core §2), not ``user.last_login``.

        DOT reads last_login at the exchange: the user's latest sign-in anywhere, which a sign-in in
        another browser, or after the code was issued, moves. DOT's value stays only for codes and
        chains issued before the sign-in moment was recorded.
        """
        claims, expiration_time = super().get_id_token_dictionary(token, token_handler, request)
        auth_time = request_state(request).auth_time
        if auth_time is not None:
            claims["auth_time"] = int(auth_time.timestamp())
        # OIDC Core §2 acr and amr (RFC 8176): how the sign-in behind the code was made (provider.acr).
        amr = request_state(request).amr
        if amr:
            claims["amr"] = list(amr)
            claims["acr"] = acr_for(amr)
        # OIDC Front-Channel Logout 1.0 §3 / Back-Channel Logout 1.0 §2.4: the session the ID token belongs to.
        if request_state(request).sid:
            claims["sid"] = request_state(request).sid
        return claims, expiration_time

    def finalize_id_token(self, id_token, token, token_handler, request: Request) -> str:
        serialized = super().finalize_id_token(id_token, token, token_handler, request)
        request_state(request).signed_id_token = serialized
        return serialized

    def _save_id_token(self, jti, request: Request, expires, *args, **kwargs):
        id_token = super()._save_id_token(jti, request, expires, *args, **kwargs)
        request_state(request).issued_id_token = id_token
        return id_token

    def _load_id_token(self, token: str) -> AbstractIDToken | None:
        # DOT links the new access token to its ID token by parsing (and verifying) the JWT it signed a moment
        # ago, then reading the row back; the hooks above kept both. DOT passes no request to this hook, so
        # the state comes from the token view that opened it (provider.state.token_request).
        state = open_state()
        if state is not None and state.signed_id_token is not None and state.signed_id_token == token:
            return state.issued_id_token
        return super()._load_id_token(token)

    def _get_key_for_token(self, token):
        """The key named by the ID token's ``kid``: one signed before a key rotation still verifies."""
        key = super()._get_key_for_token(token)
        if key is None or key.get("kty") != "RSA":
            return key
        kid = unverified_kid(token)
        if kid is None or kid == key.thumbprint():
            return key
        return retired_signing_key(kid) or key

    def validate_jwt_bearer_token(self, token, scopes, request: Request) -> bool:
        """A ``Bearer ey...`` value: valid only as a JWT access token of ours (RFC 9068), never as an ID token.

        oauthlib's OpenID server treats any such value as its JWT token type, and DOT would then accept a
        live ID token wherever an access token is expected (OIDC Core §2, RFC 9700 §2.3). Here it is held
        to exactly what an opaque token is, after its ``typ: at+jwt``, signature and claims are checked.
        """
        return self.validate_bearer_token(token, scopes, request)

    # BEARER TOKENS
    # --------------------------------------------------------------------------
    def validate_bearer_token(self, token, scopes, request: Request) -> bool:
        """DOT's checks (expiry, scope, audience, client usable) and ours (the user still active), on a cached record.

        DOT's method re-stated around the per-process cache (token_cache): DOT loads the token with its
        user and client as model instances on every call; here the token is an immutable record, kept
        until a change to one of those rows drops it, so a repeat presentation costs no query and no
        instance. The checks and their refusal texts are ``bearer_token_refusal``'s, which the API's
        cached path applies too. DOT's fallback to a remote authorization server
        (RESOURCE_SERVER_INTROSPECTION_URL) is left out: this server is the authority on its tokens.
        """
        if not token:
            return False
        if looks_like_jwt(token):
            # Before any query: a forged token, an ID token or another JWT is refused on its own evidence.
            refusal = jwt_access_token_refusal(
                token, uri=absolute_request_uri(request), proof_jkt=request_state(request).dpop_jkt
            )
            if refusal is not None:
                request.oauth2_error = refusal
                return False
        presented = bearer_token_presented(raw_token=token)
        record = presented.token if presented is not None else None
        # A DPoP-bound token passes only where a proof of its key was verified first (api.authentication);
        # everywhere else (userinfo, introspection's bearer callers) it is refused as a copied token.
        proof_jkt = request_state(request).dpop_jkt
        refusal = bearer_token_refusal(token=record, scopes=scopes, uri=request.uri, proof_jkt=proof_jkt)
        if refusal is not None:
            request.oauth2_error = refusal
            return False
        request.client = presented.client
        request.user = presented.user
        # DOT's list(access_token.scopes): the token's scopes the scopes backend knows, in its order.
        request.scopes = [name for name in get_scopes_backend().get_all_scopes() if name in record.scopes]
        # What DRF's authentication returns as request.auth (DOT: "needed by django rest framework").
        request.access_token = record
        return True

    # REVOCATION
    # --------------------------------------------------------------------------
    def revoke_token(self, token, token_type_hint, request: Request, *args, **kwargs) -> None:
        """Revoking a refresh or access token ends its whole grant (RFC 7009 §2.1), even mid-rotation.

        DOT revokes just the presented token; a rotation that committed a moment earlier would leave
        its new pair alive. The revocation service ends the token's family under a lock instead.
        """
        token_type = live_token_type(raw_token=token, application=request.client)
        token_revoke(checksum=sha256_hex(token), application=request.client)
        record_revocation(request=request, raw_token=token, token_type=token_type)
