"""DPoP proofs as a client makes them (RFC 9449 §4.2), and the endpoints' absolute URLs the proofs name."""

import json
import secrets
import time

from django.urls import reverse
from joserfc import jws
from joserfc.jwk import ECKey

from provider.dpop import access_token_hash
from tests.flows import basic_auth, form_post, obtain_code

# The Django test client's origin: what request.build_absolute_uri() answers in tests.
ORIGIN = "http://testserver"


def url(name: str, **kwargs) -> str:
    """The absolute URL of the named route, as a proof's htu names it."""
    return ORIGIN + reverse(name, kwargs=kwargs or None)


def new_key() -> ECKey:
    """A fresh P-256 key pair, the client's DPoP key."""
    return ECKey.generate_key("P-256")


def dpop_proof(
    key, *, htm: str = "POST", htu: str, access_token: str | None = None, alg: str = "ES256", header=None, **claims
) -> str:
    """A proof signed by ``key`` for a ``htm`` request to ``htu``; ``access_token`` adds its ``ath``.

    ``claims`` override or add payload claims (None drops one); ``header`` adds protected header members.
    """
    payload = {"jti": secrets.token_urlsafe(12), "htm": htm, "htu": htu, "iat": int(time.time())}
    if access_token is not None:
        payload["ath"] = access_token_hash(access_token)
    payload.update(claims)
    payload = {name: value for name, value in payload.items() if value is not None}
    protected = {"typ": "dpop+jwt", "alg": alg, "jwk": key.as_dict(private=False), **(header or {})}
    return jws.serialize_compact(protected, json.dumps(payload), key, algorithms=[alg])


def token_proof(key, **claims) -> dict:
    """Django test client headers carrying a proof for a token request."""
    return {"HTTP_DPOP": dpop_proof(key, htu=url("oauth2_provider:token"), **claims)}


def token_post(http, app, data: dict, *, key=None, **headers):
    """POST ``data`` to the token endpoint as ``app`` (Basic for confidential clients), with a proof by ``key``."""
    if key is not None:
        headers = {**token_proof(key), **headers}
    if app.client_type == "confidential":
        headers = {**basic_auth(app.client_id), **headers}
    else:
        data = {**data, "client_id": app.client_id}
    return form_post(http, reverse("oauth2_provider:token"), data, **headers)


def dpop_tokens_for(browser, http, app, key, *, scope: str = "openid profile notes:read") -> dict:
    """The whole code + PKCE flow for the browser's user, the code exchanged with a proof by ``key``."""
    code, verifier = obtain_code(browser, app, scope=scope)
    data = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": app.redirect_uris.split()[0],
        "code_verifier": verifier,
    }
    response = token_post(http, app, data, key=key)
    assert response.status_code == 200, response.content
    return response.json()


def dpop_headers(key, token: str, *, name: str = "api:me", method: str = "GET", **claims) -> dict:
    """Django test client headers presenting ``token`` with the DPoP scheme and a proof by ``key`` (RFC 9449 §7.1)."""
    proof = dpop_proof(key, htm=method, htu=url(name), access_token=token, **claims)
    return {"HTTP_AUTHORIZATION": f"DPoP {token}", "HTTP_DPOP": proof}
