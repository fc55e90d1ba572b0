"""resource_verifier.drf: DRF authentication, scope permission and RFC 6750 answers, with the keys at hand."""

import json
import time

import pytest
from joserfc import jws
from joserfc.jwk import RSAKey
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory
from rest_framework.views import APIView

from resource_verifier import drf, jwks

ISSUER = "https://idp.example.test"
AUDIENCE = "https://reports.example.test/"
KEY = RSAKey.generate_key(2048, parameters={"kid": "k1"})
CONFIG = {"ISSUER": ISSUER, "AUDIENCE": AUDIENCE, "JWKS_URI": "https://idp.example.test/jwks", "REALM": "reports"}


class ReportView(APIView):
    """A view as a resource service declares it."""

    authentication_classes = [drf.JWTAccessTokenAuthentication]
    permission_classes = [drf.HasRequiredScopes]
    required_scopes = ["users:read"]

    def get_exception_handler(self):
        return drf.exception_handler

    def get(self, request):
        return Response({"sub": request.user.username, "jti": request.auth.jti})


@pytest.fixture
def published(settings, monkeypatch) -> list:
    """The provider's JWKS as the verifier fetches it; each fetch is recorded."""
    fetches = []

    def fetch(url: str, timeout: float) -> bytes:
        fetches.append(url)
        return json.dumps({"keys": [KEY.as_dict(private=False)]}).encode()

    monkeypatch.setattr(jwks, "http_get", fetch)
    monkeypatch.setattr(drf, "http_get", fetch)
    settings.RESOURCE_VERIFIER = CONFIG
    return fetches


def token(**overrides) -> str:
    now = int(time.time())
    claims = {"iss": ISSUER, "aud": AUDIENCE, "exp": now + 60, "iat": now, "sub": "7", "client_id": "c", "jti": "j1"}
    claims.update({"scope": "users:read", **overrides})
    header = {"typ": "at+jwt", "alg": "RS256", "kid": "k1"}
    return jws.serialize_compact(header, json.dumps(claims).encode(), KEY)


def get(authorization: str | None = None):
    headers = {"HTTP_AUTHORIZATION": authorization} if authorization else {}
    return ReportView.as_view()(APIRequestFactory().get("/reports/", **headers))


def test_a_good_token_reaches_the_view_with_its_subject(published):
    response = get(f"Bearer {token()}")

    assert response.status_code == 200
    assert response.data == {"sub": "7", "jti": "j1"}


def test_no_token_gets_the_bare_challenge_and_no_error_code(published):
    response = get()

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="reports"'
    assert "error" not in response.data


def test_an_expired_token_gets_invalid_token(published):
    response = get(f"Bearer {token(exp=int(time.time()) - 3600)}")

    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith('Bearer realm="reports", error="invalid_token"')
    assert response.data["error"] == "invalid_token"


def test_a_missing_scope_gets_403_insufficient_scope_naming_it(published):
    response = get(f"Bearer {token(scope='notes:read')}")

    assert response.status_code == 403
    assert response["WWW-Authenticate"].startswith('Bearer realm="reports", error="insufficient_scope"')
    assert 'scope="users:read"' in response["WWW-Authenticate"]


def test_two_words_after_bearer_are_invalid_request(published):
    response = get("Bearer one two")

    assert response.status_code == 401
    assert 'error="invalid_request"' in response["WWW-Authenticate"]


def test_garbage_is_refused_without_fetching_keys(published):
    assert get("Bearer not-a-jwt").status_code == 401
    assert published == []


def test_an_unreachable_provider_is_a_503_asked_again_only_after_the_interval(settings, monkeypatch):
    calls = []

    def down(url: str, timeout: float) -> bytes:
        calls.append(url)
        raise OSError("connection refused")

    monkeypatch.setattr(drf, "http_get", down)
    settings.RESOURCE_VERIFIER = {**CONFIG, "JWKS_URI": ""}

    first, second = get(f"Bearer {token()}"), get(f"Bearer {token()}")

    assert (first.status_code, second.status_code) == (503, 503)
    assert first.data["error"] == "temporarily_unavailable"
    assert calls == ["https://idp.example.test/.well-known/openid-configuration"]
