"""Protocol responses in one shape: JSON bodies that no cache may keep (RFC 6749 §5.1, RFC 6750 §3, RFC 7662 §2.2).

Token responses, error responses and introspection answers describe live credentials, so every one
carries ``Cache-Control: no-store`` (and ``Pragma: no-cache`` for HTTP/1.0 caches, as RFC 6749 §5.1
shows). Views and middleware build them here rather than setting the headers by hand.
"""

import json
import re
import unicodedata

from django.http import HttpResponse, JsonResponse
from oauthlib.oauth2.rfc6749.errors import OAuth2Error

NO_STORE_HEADERS = {"Cache-Control": "no-store", "Pragma": "no-cache"}


# RFC 6749 §5.2: error_description is limited to %x20-21 / %x23-5B / %x5D-7E (printable ASCII but " and \).
_OUTSIDE_DESCRIPTION_CHARSET = re.compile(r"[^\x20-\x21\x23-\x5b\x5d-\x7e]")
_DESCRIPTION_SPELLINGS = str.maketrans(
    {"§": "section ", '"': "'", "\\": "/", "\u2019": "'", "\u201c": "'", "\u201d": "'"}
)


def error_description(text: str) -> str:
    """``text`` within the RFC 6749 §5.2 ``error_description`` character set.

    Our descriptions are translated and some quote what the client sent, so they may hold any character:
    a few get an ASCII spelling, accented letters lose their accents, anything else is dropped.
    """
    text = unicodedata.normalize("NFKD", str(text).translate(_DESCRIPTION_SPELLINGS))
    text = _OUTSIDE_DESCRIPTION_CHARSET.sub("", text.replace("\n", " ").replace("\t", " "))
    return re.sub(r" {2,}", " ", text).strip()


def error_body_sanitized(response: HttpResponse) -> HttpResponse:
    """A JSON error ``response`` (ours or DOT's) whose ``error_description`` is put in the §5.2 charset."""
    if response.status_code < 400 or not response.get("Content-Type", "").startswith("application/json"):
        return response
    try:
        data = json.loads(response.content)
    except ValueError:
        return response
    description = data.get("error_description") if isinstance(data, dict) else None
    if isinstance(description, str) and description != error_description(description):
        data["error_description"] = error_description(description)
        response.content = json.dumps(data)
    return response


# The scheme clients authenticate with at our endpoints (RFC 6749 §2.3.1), named in a 401's challenge.
CLIENT_CHALLENGE = 'Basic realm="oauth"'


def with_client_challenge(response: HttpResponse) -> HttpResponse:
    """Give an invalid_client 401 the Basic challenge RFC 6749 §5.2 asks for, and a §5.2 error_description.

    oauthlib answers ``Bearer``, which no client authenticates with here.
    """
    if response.status_code == 401:
        response["WWW-Authenticate"] = CLIENT_CHALLENGE
    return error_body_sanitized(response)


def no_store(response: HttpResponse) -> HttpResponse:
    """``response`` marked so that no shared or private cache keeps it."""
    for name, value in NO_STORE_HEADERS.items():
        response[name] = value
    return response


def protocol_json(data: dict, *, status: int = 200, headers: dict[str, str] | None = None) -> JsonResponse:
    """A JSON protocol response, never cached, with any extra ``headers``."""
    response = no_store(JsonResponse(data, status=status))
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def protocol_error(error: str, description: str = "", *, status: int = 400, headers=None) -> JsonResponse:
    """An RFC 6749 §5.2 error body: ``error`` and, when given, ``error_description``."""
    description = error_description(description)
    data = {"error": error, "error_description": description} if description else {"error": error}
    return protocol_json(data, status=status, headers=headers)


def oauth2_error_response(error: OAuth2Error) -> JsonResponse:
    """oauthlib's error rendered as its endpoint would (its JSON, its status, its headers), never cached."""
    response = error_body_sanitized(
        HttpResponse(error.json, status=error.status_code, content_type="application/json")
    )
    for name, value in error.headers.items():
        response[name] = value
    return no_store(response)
