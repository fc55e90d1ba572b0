"""Checks oauthlib runs on every authorization request before anything is shown: PKCE, prompt and max_age.

provider.server registers :func:`check_authorization_parameters` as a ``pre_auth`` validator of both
code grants (OAuth and OpenID Connect), so it runs once the client and its redirect URI are known
good and before the sign-in or consent page: a refusal is an error redirect to the client (RFC 6749
§4.1.2.1) carrying ``state``, never a page the user has to get past first. It runs again when the
consent form is posted, on the values the signed form carries.

* ``response_type``: ``code`` only (OAuth 2.1 §4.1.1, discovery's ``response_types_supported``); any
  other value, the OIDC hybrids included, is ``unsupported_response_type`` (RFC 6749 §4.1.2.1).
* ``code_challenge`` (RFC 7636 §4.2): with S256 the only method, it is BASE64URL(SHA256(verifier)),
  exactly 43 characters of the base64url alphabet. Anything else can never match a verifier, and a
  value over 128 characters did not fit DOT's column (a 500 on PostgreSQL).
* ``prompt`` (OIDC Core §3.1.2.1): ``none`` with any other value is ``invalid_request``;
  ``select_account`` is ``account_selection_required``, the error the section names for a server that
  cannot obtain an account choice (there is one account per browser session here and no chooser, and
  sending the user through the sign-in page instead would be ``prompt=login``, which the client did not
  ask for); a value the server does not support is ``invalid_request`` with HTTP 400 and no redirect
  (OIDC Prompt Create 1.0 §4.1, the one text on unsupported values).
* ``max_age`` (OIDC Core §3.1.2.1): a non-negative integer number of seconds, else ``invalid_request``.
* ``request`` and ``registration`` (OIDC Core §6.1, §7.2.1): not supported, refused with the error codes
  those sections define, ``request_not_supported`` and ``registration_not_supported``.
* ``dpop_jkt`` (RFC 9449 §10): a key thumbprint (43 base64url characters), else ``invalid_request``; the code
  is bound to it (provider.validator), and the token request must prove that key. (``request_uri``
  names a pushed request, provider.pushed_authorization, and never reaches this point.)
* ``response_mode`` (OAuth 2.0 Multiple Response Type Encoding Practices §2.1): only ``query``, the
  code's default; any other value is ``invalid_request`` on a page (HTTP 400), since the client asked to
  get its answer in a way it would not find in the query (the OpenID errata on unsupported modes).
* ``display`` (OIDC Core §3.1.2.1): one of its four values (all get the same responsive page), else
  ``invalid_request``.
* ``id_token_hint``: an ID token this server signed, else ``invalid_request`` (provider.id_token_hint).
* ``redirect_uri``: OIDC Core §3.1.2.1 makes it REQUIRED for an OpenID request, even when the client has
  a single registered one; without it the request is refused on a page (there is no URI to answer to).

What the values then demand of the session (re-authentication, the consent page) is decided by
provider.views.authorization.ConsentView, which sees the user.
"""

import base64
import binascii
import json
import re
from urllib.parse import parse_qs, urlsplit

from django.utils.translation import gettext as _
from oauth2_provider.settings import oauth2_settings
from oauthlib.common import Request
from oauthlib.oauth2.rfc6749.errors import (
    InvalidRequestError,
    InvalidRequestFatalError,
    UnsupportedResponseTypeError,
)
from oauthlib.openid.connect.core.exceptions import (
    AccountSelectionRequired,
    RegistrationNotSupported,
    RequestNotSupported,
)

from provider.id_token_hint import id_token_hint_subject

# RFC 7636 §4.2: BASE64URL-ENCODE(SHA256(ASCII(code_verifier))), 32 bytes without padding.
S256_CHALLENGE = re.compile(r"[A-Za-z0-9_-]{43}")
# RFC 9449 §10 dpop_jkt: an RFC 7638 thumbprint, base64url of a SHA-256 digest (the only hash used here).
DPOP_JKT = re.compile(r"[A-Za-z0-9_-]{43}")
S256_DIGEST_SIZE = 32
# OIDC Core §3.1.2.1 (plus Prompt Create 1.0's "create"): the values a client may send.
HONOURED_PROMPTS = ("none", "login", "consent")
ANSWERED_PROMPTS = frozenset({"select_account"})
# A max_age beyond any session's life would only ever mean "no limit": accept it, but as a bounded int.
MAX_AGE_DIGITS = 10
# OIDC Core §3.1.2.1: the display values; every one gets the same responsive page.
DISPLAY_VALUES = ("page", "popup", "touch", "wap")
RESPONSE_MODES = ("query",)
# The username field's length (django.contrib.auth's AbstractUser): a longer hint names no account.
LOGIN_HINT_MAX_LENGTH = 150


def supported_prompt_values() -> list[str]:
    """The prompt values this server honours, in discovery's ``prompt_values_supported`` order."""
    values = list(HONOURED_PROMPTS)
    if oauth2_settings.OIDC_RP_INITIATED_REGISTRATION_ENABLED:
        values.append("create")  # DOT's AuthorizationView handles it when registration is enabled
    return values


def prompt_values(request: Request) -> set[str]:
    """The request's prompt values: space-delimited and case-sensitive (OIDC Core §3.1.2.1)."""
    prompt = request.prompt or ""
    # When a code is issued, DOT hands oauthlib back its own validation result: a set by then.
    return set(prompt.split()) if isinstance(prompt, str) else set(prompt)


def claims_parameter_is_malformed(value: str | None) -> bool:
    """Whether ``claims`` is present and not a JSON object (OIDC Core §5.5).

    oauthlib parses it before it knows the redirect URI, and its refusal of a malformed one became a
    DisallowedRedirect; the view refuses it first, on a page. A well-formed one is accepted and answered
    as §5.5 lets a server without support for it: with the claims of the granted scopes.
    """
    if value is None:
        return False
    try:
        return not isinstance(json.loads(value), dict)
    except ValueError:
        return True


def login_hint(request) -> str:
    """The OIDC ``login_hint`` of the authorization request a sign-in page will return to ("" if none or too long).

    Only a prefill of the username field: the user may change it, so nothing else depends on it.
    """
    next_url = request.GET.get("next") or ""
    hint = (parse_qs(urlsplit(next_url).query).get("login_hint") or [""])[0]
    return hint if len(hint) <= LOGIN_HINT_MAX_LENGTH else ""


def max_age_seconds(value: str | None) -> int | None:
    """``max_age`` as seconds (None when absent); ValueError unless it is a non-negative integer."""
    if value is None:
        return None
    if not value.isascii() or not value.isdigit() or len(value) > MAX_AGE_DIGITS:
        raise ValueError(value)
    return int(value)


def check_authorization_parameters(request: Request) -> dict:
    """oauthlib ``pre_auth`` validator: refuse a malformed code_challenge, prompt or max_age."""
    if request.response_type is not None and request.response_type != "code":
        # The hybrids reach the code grant too (provider.server drops every other handler): OAuth 2.1 has "code" only.
        raise UnsupportedResponseTypeError(request=request)
    _check_openid_redirect_uri(request)
    _check_response_mode(request)
    _check_unsupported(request)
    _check_code_challenge(request)
    _check_prompt(request)
    if request.display is not None and request.display not in DISPLAY_VALUES:
        raise InvalidRequestError(description=_("Unsupported display value."), request=request)
    if request.id_token_hint is not None and id_token_hint_subject(request.id_token_hint) is None:
        raise InvalidRequestError(description=_("id_token_hint is not an ID token issued here."), request=request)
    try:
        max_age_seconds(request.max_age)
    except ValueError:
        raise InvalidRequestError(
            description=_("max_age must be a non-negative integer number of seconds."), request=request
        ) from None
    return {}


def _check_openid_redirect_uri(request: Request) -> None:
    # oauthlib fills in the registered URI when the parameter is missing; the request's own parameters tell.
    # (A consent form posted without the page's query carries the request validated on GET in signed fields.)
    sent = _sent(request)
    if sent and "openid" in (request.scopes or []) and not sent.get("redirect_uri"):
        raise InvalidRequestFatalError(description=_("redirect_uri is required for OpenID requests."), request=request)


def _sent(request: Request) -> dict[str, str]:
    """The parameters of the authorization request as sent (its URI's query; the consent form posts the same)."""
    return dict(request.uri_query_params)


def _check_response_mode(request: Request) -> None:
    if request.response_mode is not None and request.response_mode not in RESPONSE_MODES:
        raise InvalidRequestFatalError(description=_("Unsupported response_mode."), request=request)


def _check_unsupported(request: Request) -> None:
    sent = _sent(request)
    if "request" in sent:
        raise RequestNotSupported(request=request)
    if "registration" in sent:
        raise RegistrationNotSupported(request=request)
    if "dpop_jkt" in sent and not DPOP_JKT.fullmatch(sent["dpop_jkt"]):
        # RFC 9449 §10: the RFC 7638 SHA-256 thumbprint of the key the code is to be bound to; anything else
        # could never match a proof, so the request is refused now rather than the exchange later.
        raise InvalidRequestError(
            description=_("dpop_jkt must be the 43-character base64url SHA-256 thumbprint of a key."), request=request
        )


def _check_code_challenge(request: Request) -> None:
    challenge = request.code_challenge
    # No challenge, or another method: oauthlib refuses those itself right after this validator.
    if challenge is None or (request.code_challenge_method or "plain") != "S256":
        return
    if not _is_s256_challenge(challenge):
        raise InvalidRequestError(
            description=_("code_challenge must be the 43-character base64url encoding of a SHA-256 digest."),
            request=request,
        )


def _is_s256_challenge(challenge: str) -> bool:
    if not S256_CHALLENGE.fullmatch(challenge):
        return False
    try:
        digest = base64.urlsafe_b64decode(challenge + "=")
    except (binascii.Error, ValueError):
        return False
    # The last character carries two spare bits: only the canonical encoding round-trips.
    return len(digest) == S256_DIGEST_SIZE and base64.urlsafe_b64encode(digest).rstrip(b"=").decode() == challenge


def _check_prompt(request: Request) -> None:
    prompt = prompt_values(request)
    if "none" in prompt and len(prompt) > 1:
        # oauthlib checks this only for OpenID requests; a plain OAuth request gets the same answer.
        raise InvalidRequestError(description=_("prompt=none cannot be combined with other values."), request=request)
    unsupported = prompt - set(supported_prompt_values()) - ANSWERED_PROMPTS
    if unsupported:
        raise InvalidRequestFatalError(
            description=_("Unsupported prompt value: %(values)s.") % {"values": " ".join(sorted(unsupported))},
            request=request,
        )
    if "select_account" in prompt:
        raise AccountSelectionRequired(request=request)
