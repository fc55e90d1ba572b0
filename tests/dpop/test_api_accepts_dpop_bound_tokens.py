"""The API takes a DPoP-bound token with ``Authorization: DPoP`` and a proof of its key (RFC 9449 §7.1)."""

import pytest
from django.urls import reverse

from clients.models import AccessTokenFormat
from tests.dpop.proofs import dpop_headers, dpop_proof, dpop_tokens_for, new_key, token_post, url
from tests.factories import MachineApplicationFactory
from tests.idp import set_idp

pytestmark = pytest.mark.django_db


def test_a_bound_token_with_a_proof_of_its_key_gets_the_resource(browser, client, web_app, user):
    key = new_key()
    token = dpop_tokens_for(browser, client, web_app, key)["access_token"]

    response = client.get(reverse("api:me"), **dpop_headers(key, token))

    assert response.status_code == 200, response.content
    assert response.json()["username"] == user.username


def test_every_request_needs_a_proof_of_its_own(browser, client, web_app):
    key = new_key()
    token = dpop_tokens_for(browser, client, web_app, key)["access_token"]

    first = client.get(reverse("api:me"), **dpop_headers(key, token))
    second = client.get(reverse("api:me"), **dpop_headers(key, token))

    assert (first.status_code, second.status_code) == (200, 200)


def test_a_client_credentials_token_bound_to_a_key_reads_users(client, machine_app):
    key = new_key()
    issued = token_post(client, machine_app, {"grant_type": "client_credentials", "scope": "users:read"}, key=key)
    token = issued.json()["access_token"]

    response = client.get(reverse("api:user-list"), **dpop_headers(key, token, name="api:user-list"))

    assert response.status_code == 200, response.content


def test_a_bound_jwt_access_token_is_checked_against_its_cnf_key(client):
    app = MachineApplicationFactory(access_token_format=AccessTokenFormat.JWT)
    key = new_key()
    token = token_post(client, app, {"grant_type": "client_credentials"}, key=key).json()["access_token"]

    accepted = client.get(reverse("api:user-list"), **dpop_headers(key, token, name="api:user-list"))
    refused = client.get(reverse("api:user-list"), **dpop_headers(new_key(), token, name="api:user-list"))

    assert accepted.status_code == 200, accepted.content
    assert refused.status_code == 401


def test_a_cached_bound_token_is_checked_without_a_query(client, bound_token, settings, django_assert_num_queries):
    key, token = bound_token()
    # Production's rhythm without the clock: the invalidation feed is not due for another read in this test.
    set_idp(settings, TOKEN_CACHE_POLL_SECONDS=3600.0)
    assert client.get(reverse("api:me"), **dpop_headers(key, token.raw_token)).status_code == 200
    headers = dpop_headers(key, token.raw_token)

    # The binding is on the token's cached record: the warm path reads no row (the jti goes to the cache).
    with django_assert_num_queries(0):
        response = client.get(reverse("api:me"), **headers)

    assert response.status_code == 200


def test_a_token_without_enough_scope_gets_a_dpop_challenge_naming_the_scope(client, bound_token):
    key, token = bound_token("openid")

    response = client.get(reverse("api:note-list"), **dpop_headers(key, token.raw_token, name="api:note-list"))

    assert response.status_code == 403
    assert response["WWW-Authenticate"].startswith('DPoP realm="api", error="insufficient_scope"')
    assert 'scope="notes:read"' in response["WWW-Authenticate"]


def test_with_nonces_required_a_proof_without_one_is_use_dpop_nonce_then_the_retry_works(
    client, bound_token, settings
):
    set_idp(settings, DPOP_NONCE_REQUIRED=True)
    key, token = bound_token()

    first = client.get(reverse("api:me"), **dpop_headers(key, token.raw_token))
    nonce = first["DPoP-Nonce"]
    proof = dpop_proof(key, htm="GET", htu=url("api:me"), access_token=token.raw_token, nonce=nonce)
    retry = client.get(reverse("api:me"), HTTP_AUTHORIZATION=f"DPoP {token.raw_token}", HTTP_DPOP=proof)

    # RFC 9449 §9: a resource server's nonce demand is a 401 with a DPoP challenge and the nonce.
    assert first.status_code == 401
    assert first["WWW-Authenticate"].startswith('DPoP realm="api", error="use_dpop_nonce"')
    assert retry.status_code == 200, retry.content
