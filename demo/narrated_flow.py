"""``python -m demo.narrated_flow`` (``make demo``): a real client through every grant, narrated step by step.

The client side is Authlib (discovery, PKCE, token requests, refresh, revocation, JOSE verification). The user
side — signing in, the consent page, typing the device code — is a ``requests.Session`` filling in the
provider's forms the way a browser would; the narration says so each time. The first step that fails stops
the demo with a clear message and exit status 1.
"""

import argparse
import base64
import hashlib
import json
import secrets
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import requests
from authlib.integrations.base_client import OAuthError
from authlib.integrations.requests_client import OAuth2Session
from authlib.oauth2.rfc7523 import ClientSecretJWT, PrivateKeyJWT
from authlib.oidc.core import CodeIDToken
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import ECKey, KeySet, RSAKey

from demo.browser_standin import BrowserStandIn
from demo.failures import StepFailed
from demo.provider_process import ProviderUnavailable, running_provider
from resource_verifier import InvalidToken, JwksCache, verify_access_token

CREDENTIALS_FILE = Path(__file__).resolve().parent.parent / ".keys" / "demo-credentials.json"
DEFAULT_PROVIDER_URL = "http://127.0.0.1:8000"
DEVICE_CODE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
# What the confidential web client asks alice for: sign-in, her profile, and her notes.
WEB_SCOPES = "openid profile email notes:read notes:write authorizations:read"
WEB_CLIENT_ID = "demo-web"
MACHINE_CLIENT_ID = "demo-machine"
JWT_MACHINE_CLIENT_ID = "demo-machine-jwt"
KEYS_MACHINE_CLIENT_ID = "demo-machine-keys"
HMAC_MACHINE_CLIENT_ID = "demo-machine-hmac"
DPOP_MACHINE_CLIENT_ID = "demo-machine-dpop"
# The provider refuses client assertions living longer than CLIENT_ASSERTION_MAX_SECONDS (300 s by default);
# Authlib signs them for an hour unless told otherwise.
ASSERTION_SECONDS = 60
DEVICE_CLIENT_ID = "demo-device"
TIMEOUT = 10
RULE = "─" * 78


# NARRATION
# ------------------------------------------------------------------------------
class Narrator:
    """Prints the story: numbered steps, requests and answers, values lined up, checks ticked."""

    def __init__(self, out=sys.stdout):
        self.out = out
        self.number = 0

    def step(self, title: str) -> None:
        self.number += 1
        self.line(f"\n{RULE}\n{self.number:>2}. {title}\n{RULE}")

    def say(self, text: str) -> None:
        self.line(f"    {text}")

    def request(self, method: str, url: str, response: requests.Response | None = None, note: str = "") -> None:
        answer = f" → {response.status_code} {response.reason}" if response is not None else ""
        self.line(f"  {method} {url}{answer}{'   ' + note if note else ''}")

    def values(self, pairs: dict, indent: int = 6) -> None:
        width = max((len(str(key)) for key in pairs), default=0)
        for key, value in pairs.items():
            self.line(f"{' ' * indent}{key!s:<{width}}  {value}")

    def ok(self, text: str) -> None:
        self.line(f"  ✓ {text}")

    def line(self, text: str) -> None:
        """Print one line as it is (no indent)."""
        print(text, file=self.out, flush=True)


def short(token: str) -> str:
    """A token shortened for the screen: its start and its length (tokens are credentials)."""
    return f"{token[:12]}…  ({len(token)} chars)" if token else "(none)"


def json_lines(data) -> list[str]:
    return json.dumps(data, indent=2, ensure_ascii=False).splitlines()


# THE FLOW
# ------------------------------------------------------------------------------
@dataclass
class DemoState:
    """What the client knows as the story goes on."""

    provider_url: str
    credentials: dict
    metadata: dict = field(default_factory=dict)
    as_metadata: dict = field(default_factory=dict)
    jwks: dict = field(default_factory=dict)
    token: dict = field(default_factory=dict)
    first_refresh_token: str = ""


class _ShortLived:
    """Authlib's JWT client authentication with a short ``exp`` and fresh claims (so a fresh jti) each time."""

    def sign(self, auth, token_endpoint):
        self.claims = {"exp": int(time.time()) + ASSERTION_SECONDS}
        return super().sign(auth, token_endpoint)


class ShortLivedPrivateKeyJWT(_ShortLived, PrivateKeyJWT):
    """private_key_jwt (RFC 7523 §2.2) as Authlib signs it, living ASSERTION_SECONDS."""


class ShortLivedClientSecretJWT(_ShortLived, ClientSecretJWT):
    """client_secret_jwt (HS256 keyed with the secret) as Authlib signs it, living ASSERTION_SECONDS."""


def dpop_proof(key: ECKey, method: str, url: str, *, access_token: str = "", nonce: str = "") -> str:
    """A DPoP proof (RFC 9449 §4.2): a fresh JWT naming this request, signed by ``key``, its public half inside.

    Authlib has no DPoP support, so the demo signs proofs itself, as a client library would.
    """
    claims = {"jti": secrets.token_urlsafe(16), "htm": method, "htu": url, "iat": int(time.time())}
    if access_token:
        digest = hashlib.sha256(access_token.encode()).digest()
        claims["ath"] = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
    if nonce:
        claims["nonce"] = nonce
    header = {"typ": "dpop+jwt", "alg": "ES256", "jwk": key.as_dict(private=False)}
    return jwt.encode(header, claims, key, algorithms=["ES256"])


class NarratedFlow:
    """Every grant the provider offers, played by real clients against the running provider."""

    def __init__(self, state: DemoState, narrator: Narrator, *, username: str):
        self.state = state
        self.n = narrator
        self.username = username
        self.browser = BrowserStandIn(username=username, password=self._password(username), say=narrator.say)
        secrets_by_client = state.credentials.get("client_secrets", {})
        self.web = OAuth2Session(
            client_id=WEB_CLIENT_ID,
            client_secret=secrets_by_client.get(WEB_CLIENT_ID, ""),
            scope=WEB_SCOPES,
            redirect_uri=f"{state.credentials.get('client_url', 'http://localhost:8001')}/callback",
            code_challenge_method="S256",
            default_timeout=TIMEOUT,
        )
        self.machine = OAuth2Session(
            client_id=MACHINE_CLIENT_ID,
            client_secret=secrets_by_client.get(MACHINE_CLIENT_ID, ""),
            scope="users:read",
            default_timeout=TIMEOUT,
        )
        # Its access tokens are JWTs (RFC 9068), which any resource server can check against the JWKS.
        self.jwt_machine = OAuth2Session(
            client_id=JWT_MACHINE_CLIENT_ID,
            client_secret=secrets_by_client.get(JWT_MACHINE_CLIENT_ID, ""),
            scope="users:read",
            default_timeout=TIMEOUT,
        )
        # Client authentication with signed JWTs instead of a secret on the wire (docs/dpop-and-client-assertions.md).
        private_key = state.credentials.get("client_keys", {}).get(KEYS_MACHINE_CLIENT_ID)
        self.keys_machine = OAuth2Session(
            client_id=KEYS_MACHINE_CLIENT_ID,
            client_secret=RSAKey.import_key(private_key) if private_key else None,
            token_endpoint_auth_method=ShortLivedPrivateKeyJWT(),
            scope="users:read",
            default_timeout=TIMEOUT,
        )
        self.hmac_machine = OAuth2Session(
            client_id=HMAC_MACHINE_CLIENT_ID,
            client_secret=secrets_by_client.get(HMAC_MACHINE_CLIENT_ID, ""),
            token_endpoint_auth_method=ShortLivedClientSecretJWT(),
            scope="users:read",
            default_timeout=TIMEOUT,
        )
        # DPoP: plain requests, the proofs signed here (dpop_proof), as Authlib has no DPoP support.
        self.dpop_http = requests.Session()
        # A public client: no secret, so Authlib sends client_id in the body ("none" authentication).
        self.device = OAuth2Session(
            client_id=DEVICE_CLIENT_ID,
            token_endpoint_auth_method="none",  # noqa: S106 - an auth method's name, not a password
            default_timeout=TIMEOUT,
        )

    def close(self) -> None:
        """Close every HTTP connection the clients and the browser stand-in opened."""
        sessions = (self.web, self.machine, self.jwt_machine, self.keys_machine, self.hmac_machine, self.device)
        for session in (*sessions, self.dpop_http, self.browser.http):
            session.close()

    def _password(self, username: str) -> str:
        users = self.state.credentials.get("users", {})
        if username not in users:
            raise StepFailed(f"No demo password for {username!r} in {CREDENTIALS_FILE}: run `make run` first.")
        return users[username]

    @property
    def steps(self) -> list[tuple[str, Callable[[], None]]]:
        return [
            ("Discovery: what the provider says about itself", self.discovery),
            (f"Authorization code + PKCE: {self.username} signs in and consents", self.authorization_code),
            ("Token exchange: code + PKCE verifier + client secret → tokens", self.token_exchange),
            ("ID token: signature checked against the JWKS, then the claims", self.id_token),
            (f"Calling the API as {self.username} with the access token", self.api_calls),
            ("Refresh: a new pair of tokens (the refresh token rotates)", self.refresh),
            ("Revocation (RFC 7009): the API now refuses the access token", self.revocation),
            ("Rotation and reuse detection: the old refresh token is refused", self.refresh_replay),
            ("Pushed authorization request (RFC 9126): only a request_uri goes through the browser", self.pushed),
            ("Client credentials: the machine client, no user involved", self.client_credentials),
            ("Signed-JWT client authentication: private_key_jwt and client_secret_jwt", self.signed_jwt_clients),
            ("DPoP (RFC 9449): an access token bound to the client's key", self.dpop),
            ("Device authorization grant (RFC 8628): the TV app", self.device_flow),
            ("JWT access token (RFC 9068): verified offline, revoked, refused by the API", self.jwt_access_token),
        ]

    # 1 ----------------------------------------------------------------------
    def discovery(self) -> None:
        oidc_url = f"{self.state.provider_url}/.well-known/openid-configuration"
        response = self.web.get(oidc_url, withhold_token=True)
        self.n.request("GET", oidc_url, response)
        response.raise_for_status()
        self.state.metadata = metadata = response.json()
        as_url = f"{self.state.provider_url}/.well-known/oauth-authorization-server"
        response = self.web.get(as_url, withhold_token=True)
        self.n.request("GET", as_url, response, "(RFC 8414: adds revocation and introspection)")
        response.raise_for_status()
        self.state.as_metadata = as_metadata = response.json()
        self.n.values(
            {
                "issuer": metadata["issuer"],
                "authorization_endpoint": metadata["authorization_endpoint"],
                "token_endpoint": metadata["token_endpoint"],
                "userinfo_endpoint": metadata.get("userinfo_endpoint"),
                "revocation_endpoint": as_metadata.get("revocation_endpoint"),
                "end_session_endpoint": metadata.get("end_session_endpoint"),
                "jwks_uri": metadata["jwks_uri"],
                "grant_types_supported": " ".join(as_metadata.get("grant_types_supported", [])),
                "code_challenge_methods": " ".join(metadata.get("code_challenge_methods_supported", [])),
                "iss in auth responses": metadata.get("authorization_response_iss_parameter_supported", False),
            }
        )
        response = self.web.get(metadata["jwks_uri"], withhold_token=True)
        self.n.request("GET", metadata["jwks_uri"], response)
        response.raise_for_status()
        self.state.jwks = response.json()
        for key in self.state.jwks.get("keys", []):
            self.n.say(f"  signing key: kid={key.get('kid')} kty={key.get('kty')} alg={key.get('alg', 'RS256')}")
        if metadata.get("code_challenge_methods_supported") != ["S256"]:
            raise StepFailed("The provider should offer PKCE with S256 only.")
        self.n.ok("Discovery documents and JWKS fetched; PKCE is S256-only.")

    # 2 ----------------------------------------------------------------------
    def authorization_code(self) -> None:
        self.verifier = secrets.token_urlsafe(48)
        self.nonce = secrets.token_urlsafe(16)
        # prompt=consent: show the consent page even if alice approved this client before (remembered consent).
        url, self.expected_state = self.web.create_authorization_url(
            self.state.metadata["authorization_endpoint"],
            code_verifier=self.verifier,
            nonce=self.nonce,
            prompt="consent",
        )
        query = {key: values[0] for key, values in parse_qs(urlsplit(url).query).items()}
        self.n.say("The client (Authlib) builds the authorization request; the browser is sent to:")
        self.n.request("GET", url.split("?")[0] + "?…")
        self.n.values(query, indent=8)
        self.n.say(f"(PKCE: the client keeps code_verifier={short(self.verifier)} secret until the token request.)")
        self.callback_url = self.browser.authorize(url, redirect_uri=self.web.redirect_uri)
        self.n.say("The provider redirects the browser back to the client's redirect URI:")
        self.n.say(f"  {self.callback_url}")
        self.n.say("(Nothing needs to listen there: the demo reads the code from the redirect itself.)")
        self.n.ok("Authorization granted by the user.")

    # 3 ----------------------------------------------------------------------
    def token_exchange(self) -> None:
        answer = {key: values[0] for key, values in parse_qs(urlsplit(self.callback_url).query).items()}
        if "error" in answer:
            raise StepFailed(f"The provider answered {answer['error']}: {answer.get('error_description', '')}")
        self.n.values({"code": answer.get("code"), "state": answer.get("state"), "iss": answer.get("iss")}, indent=6)
        if answer.get("state") != self.expected_state:
            raise StepFailed("The state in the answer is not the one the client sent (CSRF check failed).")
        self.n.ok("state matches the one the client sent (CSRF protection).")
        if answer.get("iss") != self.state.metadata["issuer"]:
            raise StepFailed(f"iss={answer.get('iss')!r} is not the issuer {self.state.metadata['issuer']!r}.")
        self.n.ok("iss is the provider's issuer (RFC 9207 mix-up protection).")
        token_endpoint = self.state.metadata["token_endpoint"]
        self.n.say("The client POSTs code + code_verifier, authenticating with its secret (HTTP Basic):")
        self.state.token = token = self.web.fetch_token(
            token_endpoint, grant_type="authorization_code", code=answer["code"], code_verifier=self.verifier
        )
        self.n.request("POST", token_endpoint, note="→ 200 OK")
        self._show_token(token)
        self.n.ok("Tokens issued.")

    def _show_token(self, token: dict) -> None:
        self.n.values(
            {
                "token_type": token.get("token_type"),
                "expires_in": f"{token.get('expires_in')} s",
                "scope": token.get("scope"),
                "access_token": short(token.get("access_token", "")),
                "refresh_token": short(token.get("refresh_token", "")),
                "id_token": short(token.get("id_token", "")) if token.get("id_token") else "(none)",
            }
        )

    # 4 ----------------------------------------------------------------------
    def id_token(self) -> None:
        token = self.state.token
        if not token.get("id_token"):
            raise StepFailed("No ID token although the scope included openid.")
        keys = KeySet.import_key_set(self.state.jwks)
        # Only RS256: the algorithm this client is registered with, never one chosen by the token's header.
        decoded = jwt.decode(token["id_token"], keys, algorithms=["RS256"])
        self.n.say(f"header: alg={decoded.header['alg']} kid={decoded.header.get('kid')} (key found in the JWKS)")
        self.n.ok("signature verified with the provider's public key.")
        claims = CodeIDToken(
            decoded.claims,
            decoded.header,
            options={"iss": {"essential": True, "values": [self.state.metadata["issuer"]]}},
            params={"nonce": self.nonce, "client_id": WEB_CLIENT_ID, "access_token": token["access_token"]},
        )
        claims.validate(leeway=30)
        self.n.ok("iss, aud, exp, iat, nonce and at_hash all valid (Authlib CodeIDToken).")
        shown = {name: _claim_text(name, value) for name, value in decoded.claims.items()}
        self.n.values(shown)
        userinfo_url = self.state.metadata.get("userinfo_endpoint")
        if userinfo_url:
            response = self.web.get(userinfo_url)
            self.n.request("GET", userinfo_url, response, "(same claims, from the userinfo endpoint)")
            response.raise_for_status()
            if response.json().get("sub") != decoded.claims["sub"]:
                raise StepFailed("userinfo names another subject than the ID token.")
            self.n.ok(f"userinfo sub={response.json()['sub']} matches the ID token.")

    # 5 ----------------------------------------------------------------------
    def api_calls(self) -> None:
        base = self.state.provider_url
        self._api("GET", f"{base}/api/me/", expect=200)
        created = self._api(
            "POST", f"{base}/api/notes/", expect=201, json={"title": "From the demo", "body": "Written by a client."}
        )
        self._api("GET", f"{base}/api/notes/", expect=200, summary=lambda body: f"{body.get('count')} note(s)")
        self._api(
            "GET",
            f"{base}/api/authorizations/",
            expect=200,
            summary=lambda body: ", ".join(item.get("client_id", "?") for item in _items(body)),
        )
        self._api("GET", f"{base}/api/users/", expect=403, note="(a user's token may not list accounts)")
        self._api("DELETE", f"{base}/api/notes/{created.get('id')}/", expect=204, note="(tidy up: the demo's note)")
        self.n.ok(f"The API served {self.username}'s own data, created and deleted a note, refused the directory.")

    def _api(self, method: str, url: str, *, expect: int, client=None, note: str = "", summary=None, **kwargs):
        client = client or self.web
        response = client.request(method, url, **kwargs)
        self.n.request(method, url, response, note)
        body = _json_or_text(response)
        if summary is not None and response.status_code < 400:
            self.n.say(f"  {summary(body)}")
        elif body != "":
            for line in json_lines(body)[:14]:
                self.n.say(f"  {line}")
        if response.status_code >= 400 and "WWW-Authenticate" in response.headers:
            self.n.say(f"  WWW-Authenticate: {response.headers['WWW-Authenticate']}")
        if response.status_code != expect:
            raise StepFailed(f"{method} {url} answered {response.status_code}, expected {expect}.")
        return body if isinstance(body, dict) else {}

    # 6 ----------------------------------------------------------------------
    def refresh(self) -> None:
        old = self.state.token
        self.state.first_refresh_token = old["refresh_token"]
        self.n.say(f"refresh_token in: {short(old['refresh_token'])}")
        new = self.web.refresh_token(
            self.state.metadata["token_endpoint"], refresh_token=old["refresh_token"], scope=old.get("scope")
        )
        self.n.request("POST", self.state.metadata["token_endpoint"], note="grant_type=refresh_token → 200 OK")
        self._show_token(new)
        if new.get("refresh_token") in (None, old["refresh_token"]):
            raise StepFailed("The provider did not rotate the refresh token.")
        if new["access_token"] == old["access_token"]:
            raise StepFailed("The provider returned the same access token.")
        self.state.token = dict(new)
        self.n.ok("New access token and a new refresh token (rotation).")
        self._api("GET", f"{self.state.provider_url}/api/me/", expect=200, summary=lambda body: "the new token works")

    # 7 ----------------------------------------------------------------------
    def revocation(self) -> None:
        endpoint = self.state.as_metadata.get("revocation_endpoint")
        if not endpoint:
            raise StepFailed("The provider advertises no revocation_endpoint.")
        access_token = self.state.token["access_token"]
        hint = "access_token"
        response = self.web.revoke_token(endpoint, access_token, token_type_hint=hint)
        self.n.request("POST", endpoint, response, f"token={short(access_token)} token_type_hint=access_token")
        if response.status_code != 200:
            raise StepFailed(f"Revocation answered {response.status_code}: {response.text[:200]}")
        self.n.ok("Access token revoked.")
        self._api("GET", f"{self.state.provider_url}/api/me/", expect=401, note="(same token, now revoked)")
        self.n.ok("The API refuses the revoked token with 401 and a Bearer challenge.")

    # 8 ----------------------------------------------------------------------
    def refresh_replay(self) -> None:
        endpoint = self.state.metadata["token_endpoint"]
        self.n.say(f"Replaying the refresh token that step 6 already used: {short(self.state.first_refresh_token)}")
        self._expect_refused_refresh(endpoint, self.state.first_refresh_token)
        self.n.ok("A rotated refresh token is refused.")
        self.n.say("Reuse of a rotated token signals theft (RFC 9700 §4.14.2): the provider revoked its whole family,")
        self.n.say(f"so the newest refresh token is refused too: {short(self.state.token['refresh_token'])}")
        self._expect_refused_refresh(endpoint, self.state.token["refresh_token"])
        self.n.ok("The whole token family is dead; the user must sign in again.")

    def _expect_refused_refresh(self, endpoint: str, refresh_token: str) -> None:
        try:
            self.web.refresh_token(endpoint, refresh_token=refresh_token)
        except OAuthError as error:
            self.n.request("POST", endpoint, note=f"grant_type=refresh_token → 400 {error.error}")
            if error.error != "invalid_grant":
                raise StepFailed(f"Expected invalid_grant, got {error.error}: {error.description}") from error
            return
        raise StepFailed("The provider accepted a refresh token it should have refused.")

    # 9 ----------------------------------------------------------------------
    def pushed(self) -> None:
        endpoint = self.state.metadata.get("pushed_authorization_request_endpoint")
        if not endpoint:
            raise StepFailed("Discovery does not name a pushed_authorization_request_endpoint.")
        verifier = secrets.token_urlsafe(48)
        url, expected_state = self.web.create_authorization_url(
            self.state.metadata["authorization_endpoint"], code_verifier=verifier, nonce=secrets.token_urlsafe(16)
        )
        parameters = {key: values[0] for key, values in parse_qs(urlsplit(url).query).items()}
        self.n.say("The client POSTs the same authorization request to the provider, with its secret (HTTP Basic):")
        response = self.web.post(
            endpoint, data=parameters, auth=(self.web.client_id, self.web.client_secret), withhold_token=True
        )
        self.n.request("POST", endpoint, response)
        if response.status_code != 201:
            raise StepFailed(f"The PAR endpoint answered HTTP {response.status_code}: {_json_or_text(response)}")
        pushed = response.json()
        self.n.values({"request_uri": pushed["request_uri"], "expires_in": pushed["expires_in"]})
        browser_url = (
            f"{self.state.metadata['authorization_endpoint']}?{urlencode({'client_id': self.web.client_id})}"
            f"&{urlencode({'request_uri': pushed['request_uri']})}"
        )
        self.n.say("The browser is sent with client_id and request_uri only (no scope, redirect URI or challenge):")
        self.n.request("GET", browser_url)
        callback = self.browser.authorize(browser_url, redirect_uri=self.web.redirect_uri)
        answer = {key: values[0] for key, values in parse_qs(urlsplit(callback).query).items()}
        if answer.get("state") != expected_state or "code" not in answer:
            raise StepFailed(f"The provider answered {answer}.")
        token = self.web.fetch_token(
            self.state.metadata["token_endpoint"],
            grant_type="authorization_code",
            code=answer["code"],
            code_verifier=verifier,
        )
        self.n.request("POST", self.state.metadata["token_endpoint"], note="code + code_verifier → 200 OK")
        self._show_token(token)
        again = self.browser.http.get(browser_url, allow_redirects=False, timeout=TIMEOUT)
        self.n.request("GET", browser_url, again, "(the same request_uri again)")
        if again.status_code != 400:
            raise StepFailed(f"A used request_uri should be refused; the provider answered HTTP {again.status_code}.")
        self.n.ok("Tokens issued for the pushed request; its request_uri works once.")

    def client_credentials(self) -> None:
        endpoint = self.state.metadata["token_endpoint"]
        token = self.machine.fetch_token(endpoint, grant_type="client_credentials")
        self.n.request("POST", endpoint, note="grant_type=client_credentials scope=users:read (HTTP Basic) → 200 OK")
        self._show_token(token)
        if token.get("refresh_token"):
            raise StepFailed("A client-credentials token must not come with a refresh token.")
        self.n.ok("Access token for the machine itself: no user, no refresh token, no ID token.")
        self._api(
            "GET",
            f"{self.state.provider_url}/api/users/",
            expect=200,
            client=self.machine,
            summary=lambda body: "accounts: " + ", ".join(item.get("username", "?") for item in _items(body)),
        )
        self._api("GET", f"{self.state.provider_url}/api/me/", expect=403, client=self.machine, note="(no user here)")
        self.n.ok("The machine token lists accounts but has no 'me'.")

    # ------------------------------------------------------------------------
    def signed_jwt_clients(self) -> None:
        endpoint = self.state.metadata["token_endpoint"]
        methods = self.state.metadata.get("token_endpoint_auth_methods_supported", [])
        self.n.say(f"token_endpoint_auth_methods_supported: {', '.join(methods)}")
        if self.keys_machine.client_secret is None:
            raise StepFailed(
                f"No private key for {KEYS_MACHINE_CLIENT_ID} in {CREDENTIALS_FILE}: run `make run` first."
            )
        for session, method, how in (
            (self.keys_machine, "private_key_jwt", "RS256, signed with the client's private key"),
            (self.hmac_machine, "client_secret_jwt", "HS256, keyed with the client secret"),
        ):
            if method not in methods:
                raise StepFailed(f"Discovery does not list {method}.")
            token = session.fetch_token(endpoint, grant_type="client_credentials")
            self.n.request(
                "POST",
                endpoint,
                note=f"grant_type=client_credentials as {session.client_id}, client_assertion ({how}) → 200 OK",
            )
            self._show_token(token)
            self._api("GET", f"{self.state.provider_url}/api/users/", expect=200, client=session)
        self.n.ok(
            f"No secret crossed the wire: each request carried a JWT living {ASSERTION_SECONDS} s, used once (jti)."
        )

    # ------------------------------------------------------------------------
    def dpop(self) -> None:
        endpoint = self.state.metadata["token_endpoint"]
        algorithms = self.state.metadata.get("dpop_signing_alg_values_supported", [])
        self.n.say(f"dpop_signing_alg_values_supported: {', '.join(algorithms) or '(not advertised)'}")
        if "ES256" not in algorithms:
            raise StepFailed("Discovery does not list ES256 for DPoP proofs.")
        secret = self.state.credentials.get("client_secrets", {}).get(DPOP_MACHINE_CLIENT_ID, "")
        auth = (DPOP_MACHINE_CLIENT_ID, secret)
        grant = {"grant_type": "client_credentials", "scope": "users:read"}
        http = self.dpop_http
        response = http.post(endpoint, data=grant, auth=auth, timeout=TIMEOUT)
        self.n.request("POST", endpoint, response, f"as {DPOP_MACHINE_CLIENT_ID}, no DPoP header")
        if response.status_code != 400:
            raise StepFailed(f"A client required to use DPoP got {response.status_code} without a proof.")
        key = ECKey.generate_key("P-256")
        response = http.post(
            endpoint, data=grant, auth=auth, headers={"DPoP": dpop_proof(key, "POST", endpoint)}, timeout=TIMEOUT
        )
        if response.status_code == 400 and response.json().get("error") == "use_dpop_nonce":
            nonce = response.headers.get("DPoP-Nonce", "")
            self.n.request("POST", endpoint, response, "the server asks for its nonce")
            proof = dpop_proof(key, "POST", endpoint, nonce=nonce)
            response = http.post(endpoint, data=grant, auth=auth, headers={"DPoP": proof}, timeout=TIMEOUT)
        self.n.request("POST", endpoint, response, "DPoP: a proof signed by a key the client just made (ES256)")
        if response.status_code != 200 or response.json().get("token_type") != "DPoP":
            raise StepFailed(f"No DPoP-bound token: {response.status_code} {response.text[:200]}")
        token = response.json()["access_token"]
        self.n.ok(f"token_type DPoP: the token {short(token)} only works with proofs from that key.")
        api = f"{self.state.provider_url}/api/users/"
        proof = dpop_proof(key, "GET", api, access_token=token)
        answer = http.get(api, headers={"Authorization": f"DPoP {token}", "DPoP": proof}, timeout=TIMEOUT)
        self.n.request("GET", api, answer, "Authorization: DPoP, and a proof carrying the token's hash (ath)")
        stolen = http.get(api, headers={"Authorization": f"Bearer {token}"}, timeout=TIMEOUT)
        self.n.request("GET", api, stolen, "the same token as a plain Bearer token, as a thief would send it")
        if answer.status_code != 200 or stolen.status_code != 401:
            raise StepFailed(
                f"Expected 200 with the proof and 401 without, got {answer.status_code}/{stolen.status_code}."
            )
        self.n.say(f"      WWW-Authenticate: {stolen.headers.get('WWW-Authenticate', '(none)')}")
        self.n.ok("With the proof the API answers; without the key, the token is worthless.")

    # 10 ---------------------------------------------------------------------
    def device_flow(self) -> None:
        endpoint = self.state.as_metadata.get("device_authorization_endpoint") or self.state.metadata.get(
            "device_authorization_endpoint"
        )
        if not endpoint:
            endpoint = f"{self.state.provider_url}/o/device-authorization/"
            self.n.say(f"(device_authorization_endpoint is not in the metadata; using DOT's path {endpoint})")
        # Authlib has no RFC 8628 client helper: the device request goes through its session, like discovery.
        response = self.device.post(
            endpoint, data={"client_id": DEVICE_CLIENT_ID, "scope": "openid profile"}, withhold_token=True
        )
        self.n.request("POST", endpoint, response, f"client_id={DEVICE_CLIENT_ID} scope=openid profile")
        if response.status_code != 200:
            raise StepFailed(f"Device authorization answered {response.status_code}: {response.text[:200]}")
        grant = response.json()
        self.n.values(
            {
                "user_code": grant["user_code"],
                "verification_uri": grant["verification_uri"],
                "verification_uri_complete": grant.get("verification_uri_complete", "(not sent)"),
                "expires_in": f"{grant['expires_in']} s",
                "interval": f"{grant.get('interval', 5)} s",
                "device_code": short(grant["device_code"]),
            }
        )
        self.n.say(f'The TV shows: "Go to {grant["verification_uri"]} and enter {grant["user_code"]}".')
        interval = int(grant.get("interval", 5))
        token_endpoint = self.state.metadata["token_endpoint"]
        poll = {"grant_type": DEVICE_CODE_GRANT, "device_code": grant["device_code"]}
        try:
            self.device.fetch_token(token_endpoint, **poll)
        except OAuthError as error:
            self.n.request("POST", token_endpoint, note=f"TV polls before approval → 400 {error.error}")
            if error.error != "authorization_pending":
                raise StepFailed(f"Expected authorization_pending, got {error.error}.") from error
        else:
            raise StepFailed("The provider issued a token before the user approved the device.")
        self.n.say(f"Meanwhile, on a phone: {self.username}'s browser (stand-in) approves the device.")
        self.browser.approve_device(grant["verification_uri"], grant["user_code"])
        self.n.say(f"The TV waits the {interval} s interval the provider asked for, then polls again.")
        time.sleep(interval + 0.5)
        token = self.device.fetch_token(token_endpoint, **poll)
        self.n.request("POST", token_endpoint, note=f"grant_type={DEVICE_CODE_GRANT} → 200 OK")
        self._show_token(token)
        self._api("GET", f"{self.state.provider_url}/api/me/", expect=200, client=self.device)
        self.n.ok(f"The TV app acts as {self.username}.")

    # 11 ---------------------------------------------------------------------
    def jwt_access_token(self) -> None:
        endpoint = self.state.metadata["token_endpoint"]
        token = self.jwt_machine.fetch_token(endpoint, grant_type="client_credentials")
        self.n.request("POST", endpoint, note=f"grant_type=client_credentials as {JWT_MACHINE_CLIENT_ID} → 200 OK")
        self._show_token(token)
        # What a resource server of its own does (resource_verifier): keys from the JWKS, no call to the provider.
        keys = JwksCache(self.state.metadata["jwks_uri"])
        issuer = self.state.metadata["issuer"]
        audience = f"{self.state.provider_url}/api/"
        try:
            verified = verify_access_token(
                token["access_token"], key_for=keys.key, issuer=issuer, audience_allowed=audience
            )
        except InvalidToken as refusal:
            raise StepFailed(f"Offline verification refused the token: {refusal.description}") from refusal
        self.n.say(f"header: typ={verified.header['typ']} alg={verified.header['alg']} kid={verified.header['kid']}")
        self.n.ok("typ at+jwt, signature, iss, aud, exp verified offline against the JWKS (resource_verifier).")
        self.n.values({name: _claim_text(name, value) for name, value in verified.claims.items()})
        base = self.state.provider_url
        self._api("GET", f"{base}/api/users/", expect=200, client=self.jwt_machine, note="(the provider's own API)")
        revocation = self.state.as_metadata.get("revocation_endpoint")
        if revocation:
            hint = "access_token"
            response = self.jwt_machine.revoke_token(revocation, token["access_token"], token_type_hint=hint)
            self.n.request("POST", revocation, response, f"token={short(token['access_token'])}")
            self._api("GET", f"{base}/api/users/", expect=401, client=self.jwt_machine, note="(same JWT, revoked)")
            self.n.ok("The provider's API refuses the revoked JWT: it also checks the token's row.")
            verify_access_token(token["access_token"], key_for=keys.key, issuer=issuer, audience_allowed=audience)
            self.n.say(
                "  Offline verification still accepts it until it expires "
                f"({token.get('expires_in')} s): it cannot see a revocation (docs/jwt-access-tokens.md)."
            )


def _claim_text(name: str, value) -> str:
    """A claim as it travels in the token (JSON), with timestamps also shown as dates."""
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    if name in {"exp", "iat", "auth_time", "nbf"} and isinstance(value, int):
        text += f"  ({time.strftime('%Y-%m-%d %H:%M:%S UTC', time.gmtime(value))})"
    return text


def _items(body) -> list:
    """The list in an API answer, paginated (``results``) or not."""
    if isinstance(body, dict):
        return body.get("results", [])
    return body if isinstance(body, list) else []


def _json_or_text(response: requests.Response):
    try:
        return response.json()
    except ValueError:
        return response.text[:500]


# RUNNING
# ------------------------------------------------------------------------------
def load_credentials() -> dict:
    if not CREDENTIALS_FILE.exists():
        raise StepFailed(f"{CREDENTIALS_FILE} is missing: run `make run` (or `python manage.py seed_demo`) first.")
    return json.loads(CREDENTIALS_FILE.read_text())


def run(provider_url: str, username: str, narrator: Narrator, credentials: dict | None = None) -> int:
    """Play every step; return the process exit status (0 when all passed).

    ``credentials`` (users' passwords, client secrets, client URL) default to what ``seed_demo`` saved.
    """
    narrator.say(f"Django IdP — narrated OAuth 2.1 / OpenID Connect demo, as user {username!r}.")
    current = "starting"
    try:
        with running_provider(provider_url, say=narrator.say):
            state = DemoState(provider_url, credentials if credentials is not None else load_credentials())
            flow = NarratedFlow(state, narrator, username=username)
            try:
                for current, action in flow.steps:
                    narrator.step(current)
                    action()
            finally:
                flow.close()
    except (StepFailed, ProviderUnavailable) as failure:
        return _failed(narrator, current, str(failure))
    except OAuthError as error:
        return _failed(narrator, current, f"the provider answered {error.error}: {error.description or ''}")
    except JoseError as error:
        return _failed(narrator, current, f"the ID token did not verify: {error.error} {error.description or ''}")
    except requests.ConnectionError:
        return _failed(narrator, current, f"the provider at {provider_url} stopped answering.")
    except requests.HTTPError as error:
        return _failed(narrator, current, f"HTTP {error.response.status_code} from {error.response.url}")
    narrator.line(f"\n✓ All {narrator.number} steps passed: every grant works end to end.")
    return 0


def _failed(narrator: Narrator, step: str, message: str) -> int:
    narrator.line(f"\n✗ FAILED at step {narrator.number} ({step}):\n    {message}")
    return 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--provider-url", default=None, help=f"default: from .keys, else {DEFAULT_PROVIDER_URL}")
    parser.add_argument("--user", default="alice", help="demo user who signs in (default: alice)")
    args = parser.parse_args(argv)
    provider_url = args.provider_url
    if provider_url is None:
        saved = json.loads(CREDENTIALS_FILE.read_text()) if CREDENTIALS_FILE.exists() else {}
        provider_url = saved.get("provider_url", DEFAULT_PROVIDER_URL)
    return run(provider_url.rstrip("/"), args.user, Narrator())


if __name__ == "__main__":
    sys.exit(main())
