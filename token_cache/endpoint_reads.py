"""Token-endpoint reads DOT repeats within one request, each answered once per request.

Redeeming an authorization code, DOT's validator loads the same Grant row six times (for its scopes,
the code check, the user, the redirect URI, the PKCE challenge and method, the nonce), and after
signing the ID token it parses that JWT back, verifying its RSA signature, to find the row it has just
written. This mixin keeps what was read (or written) on the oauthlib request, which lives exactly as
long as the HTTP request, so nothing outlives it and nothing is shared between requests.

The same goes for the access token DOT's token view reads back, by checksum, right after saving it,
to send ``app_authorized``: ``accounts.token_endpoints`` hands over the instance saved here instead.

The hooks below are DOT's, re-stated around that per-request memo; each returns what DOT's returns.
"""

import json
from contextvars import ContextVar

from oauth2_provider.models import AbstractAccessToken, AbstractGrant, AbstractIDToken, get_grant_model
from oauthlib.common import Request
from oauthlib.oauth2.rfc6749 import utils

# The ID token this context signed last, as (serialized JWT, row): DOT reloads it by parsing the JWT.
_issued_id_token: ContextVar[tuple[str, AbstractIDToken] | None] = ContextVar("issued_id_token", default=None)
# The access token this context saved last: DOT's token view reads it back by checksum for app_authorized.
_issued_access_token: ContextVar[AbstractAccessToken | None] = ContextVar("issued_access_token", default=None)


def forget_issued_access_token() -> None:
    """Start a token request with nothing issued (a thread serves many requests in turn)."""
    _issued_access_token.set(None)


def issued_access_token(token_checksum: str) -> AbstractAccessToken | None:
    """The access token saved in this context, if it is the one with ``token_checksum`` (else None)."""
    issued = _issued_access_token.get()
    return issued if issued is not None and issued.token_checksum == token_checksum else None


class TokenEndpointReadsMixin:
    """One Grant read per code exchange, and no re-parse of the ID token just signed."""

    # AUTHORIZATION CODE
    # --------------------------------------------------------------------------
    @staticmethod
    def _grant(code: str, request: Request) -> AbstractGrant | None:
        """The Grant for ``code``, with its user, read once per request (None when there is none)."""
        memo = getattr(request, "_grant_memo", None)
        if memo is None or memo[0] != code:
            grant = get_grant_model().objects.select_related("user").filter(code=code).first()
            memo = request._grant_memo = (code, grant)
        return memo[1]

    def _client_grant(self, code: str, client, request: Request) -> AbstractGrant | None:
        # DOT's lookups by (code, application): a code issued to another client does not exist for this one.
        grant = self._grant(code, request)
        if grant is None or client is None or grant.application_id != client.pk:
            return None
        return grant

    def get_authorization_code_scopes(self, client_id, code, redirect_uri, request) -> list[str]:
        grant = self._grant(code, request)
        return utils.scope_to_list(grant.scope) if grant is not None and grant.scope else []

    def validate_code(self, client_id, code, client, request, *args, **kwargs) -> bool:
        grant = self._client_grant(code, client, request)
        if grant is None or grant.is_expired():
            return False
        request.scopes = grant.scope.split(" ")
        request.user = grant.user
        # tokens.issuance fingerprints the code's PKCE challenge once it has consumed the row.
        request.grant_code_challenge = grant.code_challenge
        if grant.nonce:
            request.nonce = grant.nonce
        if grant.claims:
            request.claims = json.loads(grant.claims)
        return True

    def confirm_redirect_uri(self, client_id, code, redirect_uri, client, request, *args, **kwargs) -> bool:
        grant = self._client_grant(code, client, request)
        return grant is not None and grant.redirect_uri_allowed(redirect_uri)

    def get_code_challenge(self, code, request) -> str | None:
        grant = self._client_grant(code, request.client, request)
        return (grant.code_challenge or None) if grant is not None else None

    def get_code_challenge_method(self, code, request) -> str | None:
        grant = self._client_grant(code, request.client, request)
        return (grant.code_challenge_method or None) if grant is not None else None

    def get_authorization_code_nonce(self, client_id, code, redirect_uri, request) -> str | None:
        grant = self._grant(code, request)
        return (grant.nonce or None) if grant is not None else None

    # RESOURCE INDICATORS (RFC 8707)
    # --------------------------------------------------------------------------
    def _check_and_set_request_resource(self, request: Request) -> None:
        # Once per request: accounts.token_transaction runs it before the code is consumed; DOT's second
        # run inside the save would look the code up again, find it deleted and drop its resources.
        if getattr(request, "resource_checked", False):
            return
        super()._check_and_set_request_resource(request)
        request.resource_checked = True

    # ACCESS TOKEN
    # --------------------------------------------------------------------------
    def _create_access_token(self, expires, request: Request, token, source_refresh_token=None):
        access_token = super()._create_access_token(expires, request, token, source_refresh_token)
        _issued_access_token.set(access_token)
        return access_token

    # ID TOKEN
    # --------------------------------------------------------------------------
    def finalize_id_token(self, id_token, token, token_handler, request) -> str:
        serialized = super().finalize_id_token(id_token, token, token_handler, request)
        _issued_id_token.set((serialized, request.id_token))
        return serialized

    def _load_id_token(self, token: str) -> AbstractIDToken | None:
        # DOT links the new access token to its ID token by parsing the JWT it signed a moment ago.
        issued = _issued_id_token.get()
        if issued is not None and issued[0] == token:
            _issued_id_token.set(None)
            return issued[1]
        return super()._load_id_token(token)
