"""ID tokens (OIDC Core §2, §3.1.3.7) verified the way a relying party does: against the published JWKS."""

import base64
import hashlib
import json
import time
from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from jwcrypto import jwk, jws, jwt

from tests.flows import tokens_for

pytestmark = pytest.mark.django_db


def discovery(http) -> dict:
    return http.get(reverse("oauth2_provider:oidc-connect-discovery-info")).json()


def published_jwks(http) -> jwk.JWKSet:
    """The key set at the jwks_uri the discovery document names, fetched like a relying party would."""
    response = http.get(urlsplit(discovery(http)["jwks_uri"]).path)
    assert response.status_code == 200
    return jwk.JWKSet.from_json(response.content)


def verified_claims(http, id_token: str) -> dict:
    """Verify the signature with the JWKS key named by the token's kid, then return the claims."""
    key = published_jwks(http).get_key(header_of(id_token)["kid"])
    assert key is not None, "the kid is not in the published JWKS"
    token = jwt.JWT(jwt=id_token, key=key, algs=["RS256"], check_claims={"exp": None})
    return json.loads(token.claims)


def header_of(compact: str) -> dict:
    """The JOSE header of a compact JWS, unverified."""
    token = jws.JWS()
    token.deserialize(compact)
    return token.jose_header


def test_id_token_signature_verifies_against_the_published_jwks(browser, client, web_app):
    id_token = tokens_for(browser, client, web_app, nonce="n-0S6_WzA2Mj")["id_token"]

    claims = verified_claims(client, id_token)

    assert claims["sub"]


def test_id_token_header_names_rs256_and_a_published_kid(browser, client, web_app):
    id_token = tokens_for(browser, client, web_app)["id_token"]

    header = header_of(id_token)

    assert header["alg"] == "RS256"
    assert header["kid"] in {key["kid"] for key in client.get(reverse("oauth2_provider:jwks-info")).json()["keys"]}


def test_id_token_claims_are_the_ones_a_relying_party_checks(browser, client, web_app, user):
    before = int(time.time())
    id_token = tokens_for(browser, client, web_app, nonce="n-0S6_WzA2Mj")["id_token"]

    claims = verified_claims(client, id_token)

    assert claims["iss"] == discovery(client)["issuer"]
    assert claims["aud"] == web_app.client_id
    assert claims["sub"] == str(user.pk)
    assert claims["nonce"] == "n-0S6_WzA2Mj"
    assert before - 5 <= claims["iat"] <= time.time() + 5
    assert claims["exp"] > time.time()
    assert claims["exp"] - claims["iat"] == 3600
    assert claims["auth_time"] <= time.time()


def test_id_token_without_nonce_carries_none(browser, client, web_app):
    id_token = tokens_for(browser, client, web_app)["id_token"]

    assert "nonce" not in verified_claims(client, id_token)


def test_id_token_carries_at_hash_binding_it_to_the_access_token(browser, client, web_app):
    tokens = tokens_for(browser, client, web_app)

    digest = hashlib.sha256(tokens["access_token"].encode()).digest()
    expected = base64.urlsafe_b64encode(digest[:16]).rstrip(b"=").decode()
    assert verified_claims(client, tokens["id_token"])["at_hash"] == expected


def test_id_token_releases_profile_claims_only_with_the_profile_scope(browser, client, web_app, user):
    with_profile = verified_claims(client, tokens_for(browser, client, web_app, scope="openid profile")["id_token"])
    without = verified_claims(client, tokens_for(browser, client, web_app, scope="openid")["id_token"])

    assert with_profile["preferred_username"] == user.username
    assert "preferred_username" not in without
    assert "email" not in without


def test_a_tampered_id_token_fails_verification(browser, client, web_app):
    id_token = tokens_for(browser, client, web_app)["id_token"]
    header, _, signature = id_token.split(".")
    claims = verified_claims(client, id_token)
    claims["sub"] = "someone-else"
    forged_payload = jwk.base64url_encode(json.dumps(claims))

    with pytest.raises(jws.InvalidJWSSignature):
        verified_claims(client, f"{header}.{forged_payload}.{signature}")


def test_no_id_token_without_the_openid_scope(browser, client, web_app):
    tokens = tokens_for(browser, client, web_app, scope="profile")

    assert "id_token" not in tokens


def test_jwks_publishes_only_public_rsa_signing_keys(client):
    response = client.get(reverse("oauth2_provider:jwks-info"))

    keys = response.json()["keys"]
    assert keys
    for key in keys:
        assert key["kty"] == "RSA"
        assert key["use"] == "sig"
        assert key["alg"] == "RS256"
        assert {"n", "e", "kid"} <= key.keys()
        assert not {"d", "p", "q", "dp", "dq", "qi"} & key.keys()
    assert "max-age=" in response["Cache-Control"]
