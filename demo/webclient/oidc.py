"""The relying party's side of OpenID Connect, through Authlib: sign-in, refresh, revocation, API calls, logout.

Every failure is turned into a ``ProviderProblem`` (a title and a sentence a person can act on) so the
views never let a protocol or network error reach the browser as a stack trace.
"""

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import requests
from authlib.integrations.base_client import MismatchingStateError, OAuthError
from authlib.integrations.django_client import OAuth
from authlib.integrations.requests_client import OAuth2Session
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from joserfc.errors import JoseError

from demo.webclient.assurance import sign_in_refusal

oauth = OAuth()
oauth.register(
    name="idp",
    client_id=settings.WEBCLIENT_CLIENT_ID,
    client_secret=settings.WEBCLIENT_CLIENT_SECRET,
    # Discovery: endpoints, issuer and JWKS come from the provider, never hard-coded here.
    server_metadata_url=f"{settings.WEBCLIENT_PROVIDER_URL}/.well-known/openid-configuration",
    client_kwargs={
        "scope": settings.WEBCLIENT_SCOPES,
        # PKCE with S256 on top of the client secret (OAuth 2.1 requires it of every client).
        "code_challenge_method": "S256",
        "default_timeout": settings.WEBCLIENT_PROVIDER_TIMEOUT,
    },
)
idp = oauth.idp

# What the session keeps of a token response: never more than the client needs.
TOKEN_FIELDS = ("access_token", "refresh_token", "token_type", "expires_at", "scope", "id_token")


class ProviderProblem(Exception):
    """Something the provider (or the way to it) refused or failed, explained for a person."""

    def __init__(self, title: str, message: str, *, code: str = "", status: int = 400):
        super().__init__(message)
        self.title = title
        self.message = message
        self.code = code
        self.status = status


@dataclass(frozen=True)
class ApiResult:
    """One call to the provider's API: the HTTP status, the JSON body, and a sentence when it was refused."""

    url: str
    status: int
    body: Any
    problem: str = ""


# SIGN-IN
# ------------------------------------------------------------------------------
# What the person asked of this sign-in, kept in the session until the answer comes back to be checked.
ASKED = "oidc_asked"


class Ask:
    """What a sign-in may ask of the provider beyond "whoever is signed in there" (OIDC Core §3.1.2.1)."""

    ANYONE = ""
    SECOND_FACTOR = "mfa"  # acr_values: the provider's multi-factor class
    FRESH = "fresh"  # max_age=0: the person signs in again, whatever session the provider has

    CHOICES = (ANYONE, SECOND_FACTOR, FRESH)


def sign_in_parameters(ask: str) -> dict:
    """The authorization request parameters for what the person asked."""
    if ask == Ask.SECOND_FACTOR:
        return {"acr_values": settings.WEBCLIENT_MFA_ACR}
    if ask == Ask.FRESH:
        # max_age=0 rather than prompt=login: the ID token must then carry auth_time (OIDC Core §2), so the
        # answer can be checked here instead of trusting that the provider asked for the password again.
        return {"max_age": 0}
    return {}


def login_redirect(request: HttpRequest, *, ask: str = Ask.ANYONE) -> HttpResponse:
    """Redirect to the provider's authorization endpoint; Authlib stores state, nonce and PKCE verifier."""
    parameters = sign_in_parameters(ask)
    request.session[ASKED] = {**parameters, "at": time.time()}
    with provider_errors("Could not start the sign-in"):
        return idp.authorize_redirect(request, f"{settings.WEBCLIENT_URL}/callback", **parameters)


def complete_login(request: HttpRequest) -> tuple[dict, dict]:
    """Check the provider's answer, exchange the code, verify the ID token; return (token, claims)."""
    with provider_errors("Sign-in failed"):
        _check_response_issuer(request)
        token = idp.authorize_access_token(request)
    claims = dict(token.pop("userinfo", None) or {})
    if not claims:
        raise ProviderProblem("Sign-in failed", "The provider returned no ID token, so nobody is signed in.")
    check_sign_in_as_asked(claims, request.session.pop(ASKED, None) or {})
    return keep_token(token), claims


def check_sign_in_as_asked(claims: dict, asked: dict) -> None:
    """The ID token's acr and auth_time must meet what this sign-in asked for (demo.webclient.assurance)."""
    refusal = sign_in_refusal(claims, asked)
    if refusal is not None:
        raise ProviderProblem(refusal.title, refusal.message, code=refusal.code, status=403)


def _check_response_issuer(request: HttpRequest) -> None:
    """RFC 9207: an answer must name the issuer we sent the user to, or it may come from a mix-up attack."""
    metadata = idp.load_server_metadata()
    if not metadata.get("authorization_response_iss_parameter_supported"):
        return
    received = request.GET.get("iss")
    # An error answer carries no code, so nothing can be sent to the wrong token endpoint; DOT 3.4 omits
    # iss from error redirects (e.g. access_denied), so only a *present* iss is checked on those.
    if received is None and "code" not in request.GET:
        return
    if received != metadata.get("issuer"):
        raise ProviderProblem(
            "Sign-in refused",
            f"The answer names issuer {received!r}, not {metadata.get('issuer')!r}: it is not from our provider.",
            code="invalid_issuer",
        )


def keep_token(token: dict) -> dict:
    """The fields of a token response worth keeping in the session."""
    return {field: token[field] for field in TOKEN_FIELDS if token.get(field) is not None}


# TOKENS
# ------------------------------------------------------------------------------
def refresh(token: dict) -> dict:
    """Use the refresh token; the provider rotates it, so the returned token replaces the old one entirely."""
    if not token.get("refresh_token"):
        raise ProviderProblem("Cannot refresh", "This sign-in has no refresh token.")
    with provider_errors("Refresh refused"), _session() as client:
        endpoint = idp.load_server_metadata()["token_endpoint"]
        # No scope parameter: the provider keeps what the user granted (which may be less than requested).
        new = client.refresh_token(endpoint, refresh_token=token["refresh_token"])
    kept = keep_token(new)
    # A refresh response carries no ID token; keep the one from sign-in for the logout hint.
    if "id_token" in token and "id_token" not in kept:
        kept["id_token"] = token["id_token"]
    return kept


def revoke(token: dict) -> list[str]:
    """Revoke the refresh token and the access token at the provider (RFC 7009); return what was revoked."""
    revoked = []
    with provider_errors("Revocation failed"), _session() as client:
        endpoint = endpoint_url("revocation_endpoint")
        for hint in ("refresh_token", "access_token"):
            if token.get(hint):
                response = client.revoke_token(endpoint, token[hint], token_type_hint=hint)
                response.raise_for_status()
                revoked.append(hint.replace("_", " "))
    return revoked


def endpoint_url(name: str) -> str:
    """An endpoint from OIDC discovery, else from the RFC 8414 document (OIDC discovery omits e.g. revocation)."""
    url = idp.load_server_metadata().get(name)
    if url:
        return url
    if not _oauth_metadata:
        with _session() as session:
            response = session.get(
                f"{settings.WEBCLIENT_PROVIDER_URL}/.well-known/oauth-authorization-server", withhold_token=True
            )
            response.raise_for_status()
            _oauth_metadata.update(response.json())
    if name not in _oauth_metadata:
        raise ProviderProblem("Provider metadata incomplete", f"The provider does not advertise a {name}.")
    return _oauth_metadata[name]


# RFC 8414 authorization server metadata, fetched once per process (like Authlib's OIDC discovery cache).
_oauth_metadata: dict = {}


def _session() -> OAuth2Session:
    """A confidential-client Authlib session (HTTP Basic client authentication) for the token endpoints."""
    return OAuth2Session(
        client_id=settings.WEBCLIENT_CLIENT_ID,
        client_secret=settings.WEBCLIENT_CLIENT_SECRET,
        default_timeout=settings.WEBCLIENT_PROVIDER_TIMEOUT,
    )


def call_api(token: dict, path: str) -> ApiResult:
    """GET an API path with the access token as a bearer token (and no silent refresh behind the user's back)."""
    url = f"{settings.WEBCLIENT_PROVIDER_URL}{path}"
    # Without refresh_token and expires_at Authlib sends the token as it is: the demo shows the real answer.
    bearer = {"access_token": token.get("access_token", ""), "token_type": "Bearer"}
    with provider_errors("API call failed"):
        response = idp.get(url, token=bearer)
    try:
        body = response.json()
    except ValueError:
        body = response.text[:2000]
    problem = ""
    if response.status_code >= 400:
        problem = describe_api_refusal(response)
    return ApiResult(url=url, status=response.status_code, body=body, problem=problem)


def describe_api_refusal(response: requests.Response) -> str:
    """A sentence for a refused API call, read from the Bearer challenge (RFC 6750 §3) when there is one."""
    challenge = parse_bearer_challenge(response.headers.get("WWW-Authenticate", ""))
    error = challenge.get("error", "")
    description = challenge.get("error_description", "")
    if response.status_code == 401:
        reason = f"{error}: {description}" if description else (error or "no valid access token")
        return (
            f"The API refused the access token (401 Unauthorized, {reason}). It was revoked or has expired: "
            "refresh it, or log in again."
        )
    if response.status_code == 403:
        return f"The access token lacks the scope this API needs (403 Forbidden{', ' + error if error else ''})."
    return f"The API answered HTTP {response.status_code}."


def parse_bearer_challenge(header: str) -> dict[str, str]:
    """The auth-params of a ``Bearer`` WWW-Authenticate challenge, e.g. ``error="invalid_token"``."""
    if not header.lower().startswith("bearer"):
        return {}
    params = {}
    for part in header[len("bearer") :].split(","):
        name, _, value = part.strip().partition("=")
        if name:
            params[name.strip().lower()] = value.strip().strip('"')
    return params


def seconds_left(token: dict) -> int:
    """Seconds until the access token expires (negative once it has)."""
    return int(token.get("expires_at", 0) - time.time())


# LOGOUT
# ------------------------------------------------------------------------------
def logout_redirect(request: HttpRequest, token: dict) -> HttpResponse:
    """RP-initiated logout: send the browser to the provider's end_session_endpoint with a hint and a state."""
    with provider_errors("Could not log out at the provider"):
        return idp.logout_redirect(
            request,
            post_logout_redirect_uri=f"{settings.WEBCLIENT_URL}/",
            id_token_hint=token.get("id_token"),
        )


def check_logout_return(request: HttpRequest) -> None:
    """The provider sent the browser back after logout: the state must be one we created."""
    with provider_errors("Logout answer refused"):
        idp.validate_logout_response(request)


# ERRORS
# ------------------------------------------------------------------------------
@contextmanager
def provider_errors(title: str) -> Iterator[None]:
    """Turn Authlib, JOSE and network exceptions into a ``ProviderProblem`` with the given title."""
    try:
        yield
    except ProviderProblem:
        raise
    except Exception as exc:
        problem = explain(title, exc)
        if problem is None:
            raise
        raise problem from exc


def explain(title: str, exc: BaseException) -> ProviderProblem | None:
    """The readable form of a known failure, or None for a genuine bug (left to the 500 page)."""
    provider = settings.WEBCLIENT_PROVIDER_URL
    if isinstance(exc, MismatchingStateError):
        return ProviderProblem(
            "This sign-in is no longer valid",
            "The provider's answer does not match a sign-in started in this browser session: it expired, was "
            "already used, or was started in another browser. Please log in again.",
            code="mismatching_state",
        )
    if isinstance(exc, OAuthError):
        return _explain_oauth_error(title, exc.error, exc.description or "")
    if isinstance(exc, JoseError):
        return ProviderProblem(
            "The ID token did not verify",
            f"The provider's ID token failed verification ({exc.error}: {exc.description or exc}). "
            "Nobody is signed in.",
            code="invalid_id_token",
        )
    if isinstance(exc, (requests.ConnectionError, requests.Timeout)):
        return ProviderProblem(
            "The provider is not answering",
            f"Could not reach the provider at {provider}. Is it running? Start it with `make run`.",
            code="provider_unreachable",
            status=503,
        )
    if isinstance(exc, requests.HTTPError) and exc.response is not None:
        return ProviderProblem(
            title,
            f"The provider answered HTTP {exc.response.status_code} at {exc.response.url}.",
            code="provider_http_error",
            status=502,
        )
    return None


# Sentences for the RFC 6749 / OIDC error codes a person is likely to meet.
ERROR_SENTENCES = {
    "access_denied": "You chose not to allow this application to access your account, so you are not signed in.",
    "invalid_grant": "The provider refused the grant: it has expired, was already used, or was revoked.",
    "invalid_client": "The provider does not recognize this application's credentials (check the client secret).",
    "unauthorized_client": "This application is not allowed to use this kind of sign-in.",
    "invalid_scope": "This application asked for permissions it is not allowed to have.",
    "login_required": "You need to sign in at the provider first.",
    "consent_required": "The provider needs your consent first.",
    "server_error": "The provider had an internal error.",
    "temporarily_unavailable": "The provider is temporarily unavailable; try again in a moment.",
}


def _explain_oauth_error(title: str, error: str, description: str) -> ProviderProblem:
    sentence = ERROR_SENTENCES.get(error, "The provider refused the request.")
    detail = f" (provider says: {error}{' — ' + description if description else ''})" if error else ""
    heading = "Access was not allowed" if error == "access_denied" else title
    return ProviderProblem(heading, f"{sentence}{detail}", code=error or "oauth_error")
