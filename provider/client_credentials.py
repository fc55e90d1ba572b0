"""The client credentials a request presents, read one way for Django and oauthlib requests alike.

RFC 6749 §2.3.1: HTTP Basic carries ``client_id:client_secret``, each form-encoded (Appendix B) before
base64; a client may instead send ``client_id`` (and ``client_secret``) in the form body. Throttling,
secret rotation, device-code polling and audit all need to know which client a request claims to be
before anyone has checked it; they ask here, so they can never disagree about it.
"""

import base64
import binascii
from dataclasses import dataclass
from urllib.parse import unquote_plus

from django.http import HttpRequest
from oauthlib.common import Request as OAuthlibRequest


@dataclass(frozen=True, slots=True)
class PresentedCredentials:
    """The client identity and secret a request presents (empty strings when absent or unreadable)."""

    client_id: str = ""
    secret: str = ""
    # "basic" for HTTP Basic, "body" for form fields, "" when the request names no client.
    method: str = ""


NONE = PresentedCredentials()


def basic_credentials(authorization: str) -> PresentedCredentials | None:
    """Credentials from an ``Authorization`` header value; None when it is not Basic, NONE when it is garbled."""
    scheme, _, encoded = authorization.strip().partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return NONE
    client_id, separator, secret = decoded.partition(":")
    if not separator:
        return NONE
    return PresentedCredentials(unquote_plus(client_id), unquote_plus(secret), "basic")


def presented_by_oauthlib_request(request: OAuthlibRequest) -> PresentedCredentials:
    """What an oauthlib request presents (DOT copies Django's META into its headers)."""
    headers = getattr(request, "headers", None) or {}
    basic = basic_credentials(headers.get("HTTP_AUTHORIZATION", "") or headers.get("Authorization", "") or "")
    if basic is not None:
        return basic
    client_id = str(getattr(request, "client_id", None) or "")
    secret = str(getattr(request, "client_secret", None) or "")
    return PresentedCredentials(client_id, secret, "body") if client_id else NONE


def presented_by_http_request(request: HttpRequest) -> PresentedCredentials:
    """What a Django request to a client-authenticated endpoint presents."""
    basic = basic_credentials(request.META.get("HTTP_AUTHORIZATION", ""))
    if basic is not None:
        return basic
    client_id = request.POST.get("client_id", "")
    return PresentedCredentials(client_id, request.POST.get("client_secret", ""), "body") if client_id else NONE
