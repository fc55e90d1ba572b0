"""Hostile JWTs presented to our API as access tokens: each refused with invalid_token, before any query."""

import base64
import hashlib
import hmac
import json
import time

import pytest
from django.urls import reverse
from joserfc.jwk import RSAKey

from tests.jwt_access_tokens.conftest import bearer, forged, new_pem, signing_key, unverified

pytestmark = pytest.mark.django_db


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def compact(header: dict, claims: dict, signature: bytes = b"") -> str:
    return f"{b64(json.dumps(header).encode())}.{b64(json.dumps(claims).encode())}.{b64(signature)}"


@pytest.fixture
def good_claims(jwt_machine_app) -> dict:
    now = int(time.time())
    return {
        "iss": "http://testserver",
        "aud": "http://testserver/api/",
        "exp": now + 60,
        "iat": now,
        "sub": jwt_machine_app.client_id,
        "client_id": jwt_machine_app.client_id,
        "jti": "hostile-jti-0001",
        "scope": "users:read",
    }


def refused(client, token: str, django_assert_num_queries) -> dict:
    # No query: a forged or foreign token is refused on its own evidence (the feed is not due).
    with django_assert_num_queries(0):
        response = client.get(reverse("api:user-list"), **bearer(token))
    assert response.status_code == 401, response.content
    assert response.json()["error"] == "invalid_token"
    assert response["WWW-Authenticate"].startswith('Bearer realm="api", error="invalid_token"')
    return response.json()


def test_alg_none_is_refused(client, good_claims, feed_not_due, django_assert_num_queries):
    token = compact({"typ": "at+jwt", "alg": "none", "kid": signing_key().thumbprint()}, good_claims)

    assert "algorithm" in refused(client, token, django_assert_num_queries)["error_description"]


def test_hs256_signed_with_the_published_public_key_is_refused(
    client, good_claims, feed_not_due, django_assert_num_queries
):
    # The classic key-confusion attack: the public key (anyone can fetch it) used as an HMAC secret.
    public_pem = signing_key().as_pem(private=False)
    header = {"typ": "at+jwt", "alg": "HS256", "kid": signing_key().thumbprint()}
    unsigned = compact(header, good_claims).rsplit(".", 1)[0]
    signature = hmac.new(public_pem, unsigned.encode(), hashlib.sha256).digest()

    assert (
        "algorithm" in refused(client, f"{unsigned}.{b64(signature)}", django_assert_num_queries)["error_description"]
    )


@pytest.mark.parametrize("typ", ["JWT", "logout+jwt", "dpop+jwt", "secevent+jwt", None])
def test_a_jwt_of_another_type_is_refused(client, good_claims, feed_not_due, django_assert_num_queries, typ):
    token = forged(good_claims, header={"typ": typ})

    assert "at+jwt" in refused(client, token, django_assert_num_queries)["error_description"]


@pytest.mark.parametrize(
    ("claim", "value", "reason"),
    [
        ("iss", "https://evil.example.test", "issued by another server"),
        ("aud", "https://other-api.example.test/", "not meant for this resource server"),
        ("exp", lambda: int(time.time()) - 5, "expired"),
        ("nbf", lambda: int(time.time()) + 3600, "not valid yet"),
        ("iat", lambda: int(time.time()) + 3600, "issued in the future"),
    ],
)
def test_a_wrong_claim_is_refused(client, good_claims, feed_not_due, django_assert_num_queries, claim, value, reason):
    # Times are computed when the test runs, not when it is collected: the whole suite takes minutes.
    token = forged({**good_claims, claim: value() if callable(value) else value})

    assert reason in refused(client, token, django_assert_num_queries)["error_description"]


def test_an_unknown_kid_is_refused(client, good_claims, feed_not_due, django_assert_num_queries):
    token = forged(good_claims, header={"kid": "no-such-key"})

    assert "key this server does not know" in refused(client, token, django_assert_num_queries)["error_description"]


def test_a_jwt_signed_by_a_key_we_do_not_publish_is_refused(
    client, good_claims, feed_not_due, django_assert_num_queries
):
    stranger = RSAKey.generate_key(2048)
    token = forged(good_claims, header={"kid": signing_key().thumbprint()}, key=stranger)

    assert "signature" in refused(client, token, django_assert_num_queries)["error_description"]


def test_a_tampered_payload_is_refused(client, machine_jwt, feed_not_due, django_assert_num_queries):
    header, payload, signature = machine_jwt(scope="users:read").split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["scope"] = "users:read notes:read notes:write"
    tampered = f"{header}.{b64(json.dumps(claims).encode())}.{signature}"

    assert "signature" in refused(client, tampered, django_assert_num_queries)["error_description"]


def test_an_oversized_token_is_refused_unread(client, good_claims, feed_not_due, django_assert_num_queries):
    token = forged({**good_claims, "padding": "x" * 20_000})

    assert "too long" in refused(client, token, django_assert_num_queries)["error_description"]


def test_a_key_in_the_header_is_never_used(client, good_claims, feed_not_due, django_assert_num_queries):
    attacker = RSAKey.generate_key(2048)
    token = forged(good_claims, header={"jwk": attacker.as_dict(private=False)}, key=attacker)

    refused(client, token, django_assert_num_queries)


def test_an_id_token_is_never_an_access_token(client, browser, user_jwt, django_assert_num_queries, settings):
    id_token = user_jwt()["id_token"]
    assert unverified(id_token)[0]["typ"] == "JWT"

    response = client.get(reverse("api:me"), **bearer(id_token))

    assert response.status_code == 401
    assert "at+jwt" in response.json()["error_description"]


def test_a_well_signed_at_jwt_that_we_never_issued_is_refused(client, good_claims):
    # Signature and claims are fine, but no such token was issued (or it was revoked): the row decides.
    response = client.get(reverse("api:user-list"), **bearer(forged(good_claims)))

    assert response.status_code == 401
    assert response.json()["error"] == "invalid_token"


def test_a_jwt_signed_by_a_retired_key_verifies_during_its_grace_and_not_after(client, settings, machine_jwt):
    old = settings.OAUTH2_PROVIDER["OIDC_RSA_PRIVATE_KEY"]
    token = machine_jwt()
    new = new_pem()

    # Rotation step 2: the new key signs, the old one stays published while tokens it signed live.
    settings.OAUTH2_PROVIDER = {
        **settings.OAUTH2_PROVIDER,
        "OIDC_RSA_PRIVATE_KEY": new,
        "OIDC_RSA_PRIVATE_KEYS_INACTIVE": [old],
    }
    assert client.get(reverse("api:user-list"), **bearer(token)).status_code == 200

    # Step 3: the old key dropped. Even a token this process has cached stops working.
    settings.OAUTH2_PROVIDER = {**settings.OAUTH2_PROVIDER, "OIDC_RSA_PRIVATE_KEYS_INACTIVE": []}
    response = client.get(reverse("api:user-list"), **bearer(token))
    assert response.status_code == 401
    assert "key this server does not know" in response.json()["error_description"]
