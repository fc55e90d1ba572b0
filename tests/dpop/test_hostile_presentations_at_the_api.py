"""Hostile DPoP presentations at the API, each refused with the challenge of its scheme (RFC 9449 §7.1, §7.2)."""

import base64
import json
import time

import pytest
from django.urls import reverse
from joserfc import jws
from joserfc.jwk import OctKey

from clients.models import AccessTokenFormat
from tests.dpop.proofs import dpop_headers, dpop_proof, new_key, token_post, url
from tests.factories import AccessTokenFactory, MachineApplicationFactory
from tokens.models import DPoPBinding

pytestmark = pytest.mark.django_db

ALGS = 'algs="ES256 PS256 RS256 EdDSA"'
ME = url("api:me")


def _b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def _get_me(client, token: str, proof: str | None):
    headers = {"HTTP_AUTHORIZATION": f"DPoP {token}"}
    if proof is not None:
        headers["HTTP_DPOP"] = proof
    return client.get(reverse("api:me"), **headers)


def _refused(response, error: str) -> None:
    assert response.status_code == 401, response.content
    assert response.json()["error"] == error
    challenge = response["WWW-Authenticate"]
    assert challenge.startswith(f'DPoP realm="api", error="{error}"'), challenge
    assert challenge.endswith(ALGS)


def test_a_bound_token_sent_as_a_bearer_token_is_refused_with_a_bearer_challenge(client, bound_token):
    _key, token = bound_token()

    response = client.get(reverse("api:me"), HTTP_AUTHORIZATION=f"Bearer {token.raw_token}")

    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith('Bearer realm="api", error="invalid_token"')
    assert "DPoP" in response.json()["error_description"]


def test_a_bound_token_with_a_proof_of_another_key_is_invalid_token(client, bound_token):
    _key, token = bound_token()

    _refused(client.get(reverse("api:me"), **dpop_headers(new_key(), token.raw_token)), "invalid_token")


def test_an_unbound_token_sent_with_the_dpop_scheme_is_invalid_token(client, user, web_app):
    token = AccessTokenFactory(user=user, application=web_app, scope="profile")

    _refused(client.get(reverse("api:me"), **dpop_headers(new_key(), token.raw_token)), "invalid_token")


def test_the_dpop_scheme_without_a_proof_is_invalid_dpop_proof(client, bound_token):
    _key, token = bound_token()

    _refused(_get_me(client, token.raw_token, None), "invalid_dpop_proof")


def test_a_proof_whose_ath_is_another_tokens_hash_is_invalid_dpop_proof(client, bound_token):
    key, token = bound_token()
    proof = dpop_proof(key, htm="GET", htu=ME, access_token="some-other-token")

    _refused(_get_me(client, token.raw_token, proof), "invalid_dpop_proof")


def test_a_proof_without_ath_is_invalid_dpop_proof(client, bound_token):
    key, token = bound_token()

    _refused(_get_me(client, token.raw_token, dpop_proof(key, htm="GET", htu=ME)), "invalid_dpop_proof")


def test_a_proof_for_another_url_is_invalid_dpop_proof(client, bound_token):
    key, token = bound_token()
    proof = dpop_proof(key, htm="GET", htu=url("api:note-list"), access_token=token.raw_token)

    _refused(_get_me(client, token.raw_token, proof), "invalid_dpop_proof")


def test_a_proof_for_another_method_is_invalid_dpop_proof(client, bound_token):
    key, token = bound_token()
    proof = dpop_proof(key, htm="POST", htu=ME, access_token=token.raw_token)

    _refused(_get_me(client, token.raw_token, proof), "invalid_dpop_proof")


def test_a_replayed_proof_is_invalid_dpop_proof(client, bound_token):
    key, token = bound_token()
    proof = dpop_proof(key, htm="GET", htu=ME, access_token=token.raw_token)
    assert _get_me(client, token.raw_token, proof).status_code == 200

    _refused(_get_me(client, token.raw_token, proof), "invalid_dpop_proof")


@pytest.mark.parametrize("age", [-120, 120])
def test_a_proof_from_too_long_ago_or_from_the_future_is_invalid_dpop_proof(client, bound_token, age):
    key, token = bound_token()
    proof = dpop_proof(key, htm="GET", htu=ME, access_token=token.raw_token, iat=int(time.time()) - age)

    _refused(_get_me(client, token.raw_token, proof), "invalid_dpop_proof")


def test_an_unsigned_proof_is_invalid_dpop_proof(client, bound_token):
    key, token = bound_token()
    header = {"typ": "dpop+jwt", "alg": "none", "jwk": key.as_dict(private=False)}
    claims = {"jti": "j", "htm": "GET", "htu": ME, "iat": int(time.time())}

    _refused(_get_me(client, token.raw_token, f"{_b64(header)}.{_b64(claims)}."), "invalid_dpop_proof")


def test_a_proof_signed_with_a_shared_secret_is_invalid_dpop_proof(client, bound_token):
    _key, token = bound_token()
    shared = OctKey.generate_key(256)
    header = {"typ": "dpop+jwt", "alg": "HS256", "jwk": shared.as_dict(private=True)}
    claims = {"jti": "j", "htm": "GET", "htu": ME, "iat": int(time.time())}
    proof = jws.serialize_compact(header, json.dumps(claims), shared, algorithms=["HS256"])

    _refused(_get_me(client, token.raw_token, proof), "invalid_dpop_proof")


def test_a_proof_carrying_its_private_key_is_invalid_dpop_proof(client, bound_token):
    key, token = bound_token()
    proof = dpop_proof(key, htm="GET", htu=ME, access_token=token.raw_token, header={"jwk": key.as_dict(private=True)})

    _refused(_get_me(client, token.raw_token, proof), "invalid_dpop_proof")


def test_an_unknown_token_with_a_good_proof_is_invalid_token(client):
    _refused(client.get(reverse("api:me"), **dpop_headers(new_key(), "not-a-token-we-issued")), "invalid_token")


def test_a_malformed_dpop_header_is_400_invalid_request(client, bound_token):
    _key, token = bound_token()

    response = client.get(reverse("api:me"), HTTP_AUTHORIZATION=f"DPoP {token.raw_token} extra")

    assert response.status_code == 400
    assert response["WWW-Authenticate"].startswith('DPoP realm="api", error="invalid_request"')


def test_a_bound_jwt_sent_as_bearer_is_refused_on_its_signed_cnf_even_without_its_stored_binding(client):
    app = MachineApplicationFactory(access_token_format=AccessTokenFormat.JWT)
    token = token_post(client, app, {"grant_type": "client_credentials"}, key=new_key()).json()["access_token"]
    # Should the row go (an operator's mistake, a restore), the signed claim alone still binds the token.
    DPoPBinding.objects.all().delete()

    response = client.get(reverse("api:user-list"), HTTP_AUTHORIZATION=f"Bearer {token}")

    assert response.status_code == 401
    assert "DPoP" in response.json()["error_description"]
