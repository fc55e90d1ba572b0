"""userinfo takes a DPoP-bound token with a proof of its key, and refuses it copied as a bearer token (RFC 9449 §7)."""

import pytest
from django.urls import reverse

from tests.dpop.proofs import dpop_headers, dpop_tokens_for, new_key
from tests.factories import AccessTokenFactory

pytestmark = pytest.mark.django_db

USERINFO = "oauth2_provider:user-info"


def test_a_bound_token_with_a_proof_of_its_key_gets_the_claims(browser, client, web_app, user):
    key = new_key()
    token = dpop_tokens_for(browser, client, web_app, key, scope="openid profile")["access_token"]

    response = client.get(reverse(USERINFO), **dpop_headers(key, token, name=USERINFO))

    assert response.status_code == 200, response.content
    assert response.json()["preferred_username"] == user.username
    assert response["Cache-Control"] == "no-store"


def test_a_bound_token_sent_to_userinfo_as_a_bearer_token_is_invalid_token(browser, client, web_app):
    token = dpop_tokens_for(browser, client, web_app, new_key(), scope="openid profile")["access_token"]

    response = client.get(reverse(USERINFO), HTTP_AUTHORIZATION=f"Bearer {token}")

    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith('Bearer realm="userinfo",error="invalid_token"')


def test_a_bound_token_with_a_proof_of_another_key_is_invalid_token_with_a_dpop_challenge(browser, client, web_app):
    token = dpop_tokens_for(browser, client, web_app, new_key(), scope="openid profile")["access_token"]

    response = client.get(reverse(USERINFO), **dpop_headers(new_key(), token, name=USERINFO))

    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith('DPoP realm="userinfo", error="invalid_token"')
    assert response["WWW-Authenticate"].endswith('algs="ES256 PS256 RS256 EdDSA"')


def test_an_unbound_token_sent_with_the_dpop_scheme_is_invalid_token(client, user, web_app):
    token = AccessTokenFactory(user=user, application=web_app, scope="openid profile")

    response = client.get(reverse(USERINFO), **dpop_headers(new_key(), token.raw_token, name=USERINFO))

    assert response.status_code == 401
    assert response.json()["error"] == "invalid_token"


def test_the_dpop_scheme_without_a_proof_is_invalid_dpop_proof(client, bound_token):
    _key, token = bound_token("openid")

    response = client.get(reverse(USERINFO), HTTP_AUTHORIZATION=f"DPoP {token.raw_token}")

    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith('DPoP realm="userinfo", error="invalid_dpop_proof"')
