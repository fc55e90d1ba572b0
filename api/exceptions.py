"""Typed API refusals, one per RFC 6750 (and RFC 9449 §7.1, §9) error code."""

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status


class InvalidToken(exceptions.AuthenticationFailed):
    """RFC 6750 §3.1 invalid_token: the access token is unknown, expired, revoked or otherwise unusable."""

    default_detail = _("The access token is invalid.")
    default_code = "invalid_token"


class InvalidRequest(exceptions.AuthenticationFailed):
    """RFC 6750 §3.1 invalid_request: the token was sent in a malformed way or in more than one place."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_detail = _("The request carries the access token in a way this server does not accept.")
    default_code = "invalid_request"


class InvalidDPoPProof(exceptions.AuthenticationFailed):
    """RFC 9449 §7.1 invalid_dpop_proof: a DPoP-scheme request whose proof is missing or not acceptable."""

    default_detail = _("The DPoP proof is missing or invalid.")
    default_code = "invalid_dpop_proof"


class UseDPoPNonce(exceptions.AuthenticationFailed):
    """RFC 9449 §9 use_dpop_nonce: the proof must carry the nonce sent in the DPoP-Nonce header of this answer."""

    default_detail = _("A fresh DPoP nonce is required.")
    default_code = "use_dpop_nonce"


class InsufficientScope(exceptions.PermissionDenied):
    """RFC 6750 §3.1 insufficient_scope: a valid token that does not grant what this request needs."""

    default_detail = _("The access token does not grant the scope this request needs.")
    default_code = "insufficient_scope"

    def __init__(self, scopes: list[str], detail=None):
        super().__init__(detail)
        self.scopes = list(scopes)


class RequestTooLarge(exceptions.APIException):
    """A body over DATA_UPLOAD_MAX_MEMORY_SIZE: refused before it is parsed (RFC 9110 §15.5.14)."""

    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = _("The request body is too large.")
    default_code = "request_too_large"
