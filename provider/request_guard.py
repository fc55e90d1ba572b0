"""Refuse malformed protocol requests before DOT or oauthlib parse them: a clear 4xx, never a 500.

At the OAuth/OIDC endpoints and the sign-in page, a request is refused with ``invalid_request`` when
a parameter

* is repeated (RFC 6749 §3.1 and §3.2: "parameters MUST NOT be included more than once"; only RFC 8707's
  ``resource`` may repeat), unless oauthlib checks that parameter itself at that endpoint (it refuses
  ``client_id``, ``grant_type``, ``scope``... with ``invalid_request``, once provider.backend passes it
  every value): the guard covers what oauthlib leaves unchecked (``code``, ``code_verifier``,
  ``refresh_token``, ``token``, every parameter of the refresh grant...);
* is not UTF-8 or has broken percent-encoding (RFC 6749 Appendix B). Django decodes with replacement
  characters and oauthlib raised ValueError (a 500) on ``%zz`` at the authorization endpoint;
* holds a NUL or other control character (no OAuth value has one; NUL breaks PostgreSQL text);
* comes, at an endpoint where a client authenticates, in a body that is not
  application/x-www-form-urlencoded (RFC 6749 §3.2; multipart and JSON bodies included), or with an
  ambiguous client authentication: two methods, or two client identities
  (provider.client_credentials.authentication_ambiguity, RFC 6749 §2.3 and §5.2);
* is longer than REQUEST_GUARD_MAX_VALUE_LENGTH, or the body exceeds DATA_UPLOAD_MAX_MEMORY_SIZE or
  DATA_UPLOAD_MAX_NUMBER_FIELDS (bounded work per request: ASVS 5 V2.4.1).

Machine endpoints answer RFC 6749 §5.2 JSON; pages a person sees (authorize, logout, sign-in) answer a
readable 400 page. Neither ever redirects: a garbled request cannot be trusted to name its redirect URI.

The resource API (namespace ``api``) gets the encoding and control-character checks on its path and
query only: a NUL in ``/api/authorizations/<client_id>/`` reached PostgreSQL, which refuses NUL in text
with a DataError (a 500). Its bodies are JSON, checked by the serializers; repeated query parameters
are left to its filters.
"""

import re
from urllib.parse import parse_qsl

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from idp.settings import idp_settings
from provider.client_credentials import authentication_ambiguity
from provider.responses import protocol_error

# URL names (namespace oauth2_provider, except "login") whose parameters are checked.
JSON_ENDPOINTS = {"token", "revoke-token", "introspect", "device-authorization", "user-info", "pushed-authorization"}
# Endpoints a client authenticates at, whose POST body RFC 6749 §3.2 (and RFC 7009 §2.1, RFC 7662 §2.1,
# RFC 8628 §3.1, RFC 9126 §2.1) defines as application/x-www-form-urlencoded, nothing else.
CLIENT_AUTHENTICATED_ENDPOINTS = {
    "token",
    "revoke-token",
    "introspect",
    "device-authorization",
    "pushed-authorization",
}
API_NAMESPACE = "api"
PAGE_ENDPOINTS = {"authorize", "rp-initiated-logout"}
SIGN_IN_PAGES = {"login"}
# RFC 8707 §2: "resource" may be sent several times, one per target resource.
REPEATABLE = {"resource"}
# What oauthlib refuses to see twice itself ("Duplicate <name> parameter."), by endpoint and, at the token
# endpoint, by grant type (the last grant_type sent: oauthlib reads that one). Read from oauthlib 3.3's
# validate_*_request methods; tests/provider/test_repeated_parameters.py checks each is really refused.
OAUTHLIB_REFUSES_REPEATED = {
    "authorize": {"client_id", "response_type", "redirect_uri", "scope", "state"},
    "device-authorization": {"client_id", "scope"},
}
OAUTHLIB_REFUSES_REPEATED_BY_GRANT = {
    "authorization_code": {"client_id", "grant_type", "redirect_uri"},
    "client_credentials": {"grant_type", "scope"},
    "password": {"grant_type", "username", "password", "scope"},
    # Not the device_code grant: provider.views.token answers a device-code poll (unknown, expired,
    # too fast) before oauthlib sees it, so repeats there are the guard's to refuse.
}
# The consent page posts our own form, where several scope checkboxes share a name: only its query is
# checked for repetition; its body is still checked for encoding, control characters and size.
OWN_FORM_POSTS = {"authorize"}

_BAD_PERCENT = re.compile(rb"%(?![0-9A-Fa-f]{2})")
# C0 controls and DEL, except tab, line feed and carriage return (the OIDC "claims" JSON may be pretty-printed).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
FORM_CONTENT_TYPE = "application/x-www-form-urlencoded"
CLIENT_ID_MAX_LENGTH = 100  # DOT's column


class MalformedRequest(Exception):
    """A request the guard refuses; ``description`` says why in words a developer can act on."""

    def __init__(self, description: str):
        super().__init__(description)
        self.description = description


def _pairs(raw: bytes, *, where: str) -> list[tuple[str, str]]:
    """Strictly decode an application/x-www-form-urlencoded string (query or body)."""
    if _BAD_PERCENT.search(raw):
        raise MalformedRequest(_("The %(where)s has a malformed percent-encoding.") % {"where": where})
    try:
        # Strict both ways: the raw bytes (browsers percent-encode, but a raw UTF-8 byte is tolerable) and
        # what the percent-escapes decode to.
        return parse_qsl(raw.decode("utf-8"), keep_blank_values=True, encoding="utf-8", errors="strict")
    except UnicodeDecodeError as error:
        raise MalformedRequest(_("The %(where)s is not valid UTF-8.") % {"where": where}) from error


def left_to_oauthlib(url_name: str, pairs: list[tuple[str, str]]) -> set[str]:
    """The parameters whose repetition oauthlib refuses itself for this request to ``url_name``."""
    if url_name == "token":
        grant_types = [value for name, value in pairs if name == "grant_type"]
        return OAUTHLIB_REFUSES_REPEATED_BY_GRANT.get(grant_types[-1], set()) if grant_types else set()
    return OAUTHLIB_REFUSES_REPEATED.get(url_name, set())


def check_parameters(
    pairs: list[tuple[str, str]],
    *,
    where: str,
    allow_repeats: bool,
    repeats_checked_later: frozenset | set = frozenset(),
) -> None:
    """Raise MalformedRequest for a repeated (unless checked later), oversized or control-character parameter."""
    limit = idp_settings.REQUEST_GUARD_MAX_VALUE_LENGTH
    seen: set[str] = set()
    for name, value in pairs:
        shown = name[:40]
        if _CONTROL.search(name) or _CONTROL.search(value):
            raise MalformedRequest(_("Parameter %(name)r contains control characters.") % {"name": shown})
        if len(name) > limit or len(value) > limit:
            raise MalformedRequest(
                _("Parameter %(name)r is longer than %(limit)d characters.") % {"name": shown, "limit": limit}
            )
        if name in seen and not allow_repeats and name not in REPEATABLE and name not in repeats_checked_later:
            raise MalformedRequest(
                _("Parameter %(name)r is included more than once (RFC 6749 §3.1).") % {"name": shown}
            )
        seen.add(name)
    if where == "query" and len(pairs) > settings.DATA_UPLOAD_MAX_NUMBER_FIELDS:
        raise MalformedRequest(_("The query string has too many parameters."))


def check_request(request: HttpRequest, url_name: str) -> None:
    """Raise MalformedRequest when ``request`` to the endpoint ``url_name`` is not well-formed."""
    raw_query = request.META.get("QUERY_STRING", "")
    query = _pairs(raw_query.encode("latin-1", "replace"), where="query")
    if request.method != "POST":
        check_parameters(
            query, where="query", allow_repeats=False, repeats_checked_later=left_to_oauthlib(url_name, query)
        )
        return
    check_parameters(query, where="query", allow_repeats=False)
    if url_name in CLIENT_AUTHENTICATED_ENDPOINTS and request.content_type != FORM_CONTENT_TYPE:
        # Django reads a multipart or JSON body too, and oauthlib would then see whatever it made of it.
        raise MalformedRequest(_("The request body must be %(type)s (RFC 6749 §3.2).") % {"type": FORM_CONTENT_TYPE})
    try:
        # Both bounded by DATA_UPLOAD_MAX_MEMORY_SIZE / _NUMBER_FIELDS; parsed here so that a body over a
        # limit is this 400, not an exception inside the view.
        body = request.body if request.content_type == FORM_CONTENT_TYPE else b""
        form = request.POST
    except RequestDataTooBig as error:
        raise MalformedRequest(_("The request body is too large.")) from error
    except TooManyFieldsSent as error:
        raise MalformedRequest(_("The request body has too many parameters.")) from error
    if body:
        _pairs(body, where="request body")  # strict UTF-8 and percent-encoding, which QueryDict forgives
    pairs = [(name, value) for name, values in form.lists() for value in values]
    check_parameters(
        pairs,
        where="request body",
        allow_repeats=url_name in OWN_FORM_POSTS,
        repeats_checked_later=left_to_oauthlib(url_name, pairs),
    )
    if url_name in CLIENT_AUTHENTICATED_ENDPOINTS and (ambiguity := authentication_ambiguity(request)):
        raise MalformedRequest(ambiguity)


def check_api_request(request: HttpRequest) -> None:
    """Raise MalformedRequest when an API request's path or query is not well-formed text."""
    if _CONTROL.search(request.path_info):
        raise MalformedRequest(_("The path contains control characters."))
    query = _pairs(request.META.get("QUERY_STRING", "").encode("latin-1", "replace"), where="query")
    check_parameters(query, where="query", allow_repeats=True)


def client_id_is_malformed(client_id: str) -> bool:
    """A client_id no client can have: control characters (a NUL above all, which psycopg 3 refuses with a
    DataError where DOT only expects psycopg2's ValueError) or longer than the column."""
    return bool(_CONTROL.search(client_id)) or len(client_id) > CLIENT_ID_MAX_LENGTH


def _refusal(request: HttpRequest, description: str, *, as_json: bool) -> HttpResponse:
    if as_json:
        return protocol_error("invalid_request", description)
    context = {"error": {"error": "invalid_request", "description": description}}
    return TemplateResponse(request, "request_guard/bad_request.html", context, status=400)


class ProtocolRequestGuardMiddleware:
    """Check the parameters of protocol requests (see the module docstring) before any view runs.

    Placed before CsrfViewMiddleware so that an oversized or malformed sign-in form gets this page, not
    an exception from the CSRF check reading the body first.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is None:
            return None
        url_name = match.url_name or ""
        if match.namespace == API_NAMESPACE:
            try:
                check_api_request(request)
            except MalformedRequest as refusal:
                return _refusal(request, refusal.description, as_json=True)
            return None
        guarded = (match.namespace == "oauth2_provider" and url_name in JSON_ENDPOINTS | PAGE_ENDPOINTS) or (
            not match.namespace and url_name in SIGN_IN_PAGES
        )
        if not guarded:
            return None
        try:
            check_request(request, url_name)
        except MalformedRequest as refusal:
            return _refusal(request, refusal.description, as_json=url_name in JSON_ENDPOINTS)
        return None
