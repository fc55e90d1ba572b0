"""Token-endpoint failures found inside the issuing transaction, rendered by oauthlib as invalid_grant."""

import uuid

from oauthlib.oauth2.rfc6749.errors import InvalidGrantError

from provider.responses import NO_STORE_HEADERS


class _RaisedFromSave(InvalidGrantError):
    """An invalid_grant raised from the token save, where oauthlib does not add its JSON response headers."""

    @property
    def headers(self) -> dict[str, str]:
        # DOT answers an error escaping create_token_response with these headers only (RFC 6749 §5.1-5.2).
        return {"Content-Type": "application/json", **NO_STORE_HEADERS}


class CodeAlreadyRedeemed(_RaisedFromSave):
    """Another request consumed this authorization code first (a replay, or a concurrent double submit)."""


class RefreshTokenAlreadyUsed(_RaisedFromSave):
    """The refresh token was rotated or revoked between validation and issuance (a concurrent reuse)."""

    def __init__(self, *args, token_family: uuid.UUID | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        # Set when the reuse must revoke the family (RFC 9700 §4.14.2); None inside a grace period.
        self.token_family = token_family
