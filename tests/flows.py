"""Helpers that drive the real endpoints the way a client and a browser would."""

import base64
import hashlib
import secrets
from urllib.parse import parse_qs, urlencode, urlsplit

from django.test import Client
from django.urls import reverse

from tests.factories import CLIENT_SECRET

FORM = "application/x-www-form-urlencoded"


class FormClient(Client):
    """Django's test client, posting a dict as application/x-www-form-urlencoded instead of multipart.

    That is the one body every OAuth endpoint accepts (RFC 6749 §3.2), and what browsers send for our
    forms, so the suite's ``client`` and ``browser`` post it by default; pass ``content_type`` for another.
    """

    def post(self, path, data=None, content_type=FORM, **kwargs):
        if content_type == FORM and isinstance(data, dict):
            data = urlencode(data, doseq=True)
        return super().post(path, data, content_type=content_type, **kwargs)


def pkce_pair() -> tuple[str, str]:
    """A fresh (code_verifier, S256 code_challenge) pair (RFC 7636)."""
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


def basic_auth(client_id: str, secret: str = CLIENT_SECRET) -> dict:
    """HTTP Basic client authentication headers for the Django test client."""
    raw = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    return {"HTTP_AUTHORIZATION": f"Basic {raw}"}


def authorize_params(app, *, challenge: str, scope: str = "openid profile", **extra) -> dict:
    """Query parameters of an authorization request for ``app``."""
    return {
        "response_type": "code",
        "client_id": app.client_id,
        "redirect_uri": app.redirect_uris.split()[0],
        "scope": scope,
        "state": "state-123",
        "code_challenge": challenge,
        "code_challenge_method": "S256",
        **extra,
    }


def consent(browser: Client, app, *, challenge: str, scope: str = "openid profile", allow: bool = True, **extra):
    """GET the consent page as the logged-in ``browser`` then POST Allow or Deny; return the POST response.

    When the provider needs no decision (remembered consent, trusted client) it redirects straight away;
    with ``allow`` that redirect is returned. Pass ``prompt="consent"`` to always get the page.
    """
    params = authorize_params(app, challenge=challenge, scope=scope, **extra)
    page = browser.get(reverse("oauth2_provider:authorize"), params)
    if allow and page.status_code == 302:
        return page
    assert page.status_code == 200, page.content
    form = {name: value for name, value in page.context["form"].initial.items() if value is not None}
    if allow:
        form["allow"] = "Authorize"
    return browser.post(reverse("oauth2_provider:authorize"), form)


def redirect_query(response) -> dict[str, str]:
    """The query parameters of a redirect response's Location."""
    return {k: v[0] for k, v in parse_qs(urlsplit(response["Location"]).query).items()}


def obtain_code(browser: Client, app, *, scope: str = "openid profile", **extra) -> tuple[str, str]:
    """Run login-free consent with Allow and return (code, code_verifier)."""
    verifier, challenge = pkce_pair()
    response = consent(browser, app, challenge=challenge, scope=scope, **extra)
    assert response.status_code == 302, response.content
    return redirect_query(response)["code"], verifier


def exchange_code(http: Client, app, code: str, verifier: str, *, secret: str | None = CLIENT_SECRET, **extra):
    """POST the authorization code to the token endpoint, authenticating confidential clients with Basic."""
    data = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": app.redirect_uris.split()[0],
        "code_verifier": verifier,
        **extra,
    }
    headers = {}
    if app.client_type == "confidential" and secret is not None:
        headers = basic_auth(app.client_id, secret)
    else:
        data["client_id"] = app.client_id
    return form_post(http, reverse("oauth2_provider:token"), data, **headers)


def form_post(http: Client, url: str, data: dict, **headers):
    """POST ``data`` as application/x-www-form-urlencoded, the encoding every OAuth endpoint expects."""
    return http.post(url, urlencode(data), content_type=FORM, **headers)


def token_request(http: Client, app, data: dict, *, secret: str | None = CLIENT_SECRET):
    """POST ``data`` to the token endpoint as ``app``: Basic auth for confidential clients, client_id otherwise."""
    return endpoint_request(http, "oauth2_provider:token", app, data, secret=secret)


def endpoint_request(http: Client, url_name: str, app, data: dict, *, secret: str | None = CLIENT_SECRET):
    """POST to a client-authenticated endpoint (token, revoke, introspect) the way ``app`` would."""
    if app.client_type == "confidential" and secret is not None:
        return form_post(http, reverse(url_name), data, **basic_auth(app.client_id, secret))
    return form_post(http, reverse(url_name), {**data, "client_id": app.client_id})


def tokens_for(browser: Client, http: Client, app, *, scope: str = "openid profile", **extra) -> dict:
    """Run the whole code + PKCE flow for the browser's user and return the token response body."""
    code, verifier = obtain_code(browser, app, scope=scope, **extra)
    response = exchange_code(http, app, code, verifier)
    assert response.status_code == 200, response.content
    return response.json()
