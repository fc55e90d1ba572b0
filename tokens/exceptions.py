"""Token-endpoint failures found inside the issuing transaction, rendered by oauthlib as invalid_grant.

Raised from the token save, where oauthlib adds no JSON response headers: the token view
(provider.views.token) gives every such error response its JSON content type and no-store headers.
"""

import uuid

from oauthlib.oauth2.rfc6749.errors import InvalidGrantError


class CodeAlreadyRedeemed(InvalidGrantError):
    """Another request consumed this authorization code first (a replay, or a concurrent double submit)."""


class RefreshTokenAlreadyUsed(InvalidGrantError):
    """The refresh token was rotated or revoked between validation and issuance (a concurrent reuse)."""

    def __init__(self, *args, token_family: uuid.UUID | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        # Set when the reuse must revoke the family (RFC 9700 §4.14.2); None inside a grace period.
        self.token_family = token_family
