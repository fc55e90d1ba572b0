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

from provider.client_assertions import assertion_subject


@dataclass(frozen=True, slots=True)
class PresentedCredentials:
    """The client identity and secret a request presents (empty strings when absent or unreadable)."""

    client_id: str = ""
    secret: str = ""
    # "basic" for HTTP Basic, "body" for form fields, "assertion" for a client assertion's sub, "" for none.
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
    if client_id:
        return PresentedCredentials(client_id, secret, "body")
    return _asserted(str(request._params.get("client_assertion") or ""))


def presented_by_http_request(request: HttpRequest) -> PresentedCredentials:
    """What a Django request to a client-authenticated endpoint presents."""
    basic = basic_credentials(request.META.get("HTTP_AUTHORIZATION", ""))
    if basic is not None:
        return basic
    client_id = request.POST.get("client_id", "")
    if client_id:
        return PresentedCredentials(client_id, request.POST.get("client_secret", ""), "body")
    return _asserted(request.POST.get("client_assertion", ""))


def _asserted(assertion: str) -> PresentedCredentials:
    # private_key_jwt (provider.client_assertions) may name the client only in the assertion's sub: the
    # throttle, the device-code owner check and audit need that claim (unverified, as a client_id is) too.
    client_id = assertion_subject(assertion) if assertion else ""
    return PresentedCredentials(client_id, "", "assertion") if client_id else NONE


# Body parameters that authenticate a client, each a method of its own (RFC 6749 §2.3.1 client_secret_post,
# RFC 7523 §2.2 private_key_jwt / client_secret_jwt). A module that adds a method adds its parameter here.
BODY_AUTHENTICATION_PARAMETERS = {"client_secret": "client_secret_post", "client_assertion": "client_assertion"}


def authentication_ambiguity(request: HttpRequest) -> str:
    """Why the client authentication ``request`` presents is ambiguous, or "" when it is not.

    RFC 6749 §2.3: "The client MUST NOT use more than one authentication method in each request", and
    §5.2 names a request that "utilizes more than one mechanism for authenticating the client" an
    ``invalid_request``. One identity per request, too: a body ``client_id`` may repeat the Basic one
    (§3.2.1) but never name another client. Every client-authenticated endpoint asks here (the request
    guard), so a new authentication method is one entry in BODY_AUTHENTICATION_PARAMETERS.
    """
    authorization = request.META.get("HTTP_AUTHORIZATION", "")
    methods = [name for parameter, name in BODY_AUTHENTICATION_PARAMETERS.items() if parameter in request.POST]
    basic = basic_credentials(authorization) if authorization else None
    if authorization:
        methods.insert(0, "client_secret_basic" if basic is not None else authorization.split(" ", 1)[0].lower())
    if len(methods) > 1:
        return "The request uses more than one client authentication method (" + ", ".join(methods) + ")."
    body_client_id = request.POST.get("client_id")
    if basic is not None and basic is not NONE and body_client_id is not None and body_client_id != basic.client_id:
        return "The client_id parameter names another client than the Authorization header."
    return ""
