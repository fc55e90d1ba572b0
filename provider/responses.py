"""Protocol responses in one shape: JSON bodies that no cache may keep (RFC 6749 §5.1, RFC 6750 §3, RFC 7662 §2.2).

Token responses, error responses and introspection answers describe live credentials, so every one
carries ``Cache-Control: no-store`` (and ``Pragma: no-cache`` for HTTP/1.0 caches, as RFC 6749 §5.1
shows). Views and middleware build them here rather than setting the headers by hand.
"""

from django.http import HttpResponse, JsonResponse
from oauthlib.oauth2.rfc6749.errors import OAuth2Error

NO_STORE_HEADERS = {"Cache-Control": "no-store", "Pragma": "no-cache"}


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
    data = {"error": error, "error_description": description} if description else {"error": error}
    return protocol_json(data, status=status, headers=headers)


def oauth2_error_response(error: OAuth2Error) -> JsonResponse:
    """oauthlib's error rendered as its endpoint would (its JSON, its status, its headers), never cached."""
    response = HttpResponse(error.json, status=error.status_code, content_type="application/json")
    for name, value in error.headers.items():
        response[name] = value
    return no_store(response)
