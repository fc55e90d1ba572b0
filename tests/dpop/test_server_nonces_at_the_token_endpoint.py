"""With DPOP_NONCE_REQUIRED, a proof must carry a fresh server nonce (RFC 9449 §8): use_dpop_nonce says which."""

import time

import pytest

from provider.dpop import NONCE_WINDOW_SECONDS, dpop_nonce
from tests.dpop.proofs import new_key, token_post, token_proof
from tests.idp import set_idp

pytestmark = pytest.mark.django_db

CLIENT_CREDENTIALS = {"grant_type": "client_credentials", "scope": "users:read"}


@pytest.fixture(autouse=True)
def _nonces_required(settings) -> None:
    set_idp(settings, DPOP_NONCE_REQUIRED=True)


def test_a_proof_without_a_nonce_is_use_dpop_nonce_with_a_nonce_to_retry_with(client, machine_app):
    response = token_post(client, machine_app, CLIENT_CREDENTIALS, key=new_key())

    assert response.status_code == 400
    assert response.json()["error"] == "use_dpop_nonce"
    assert response["DPoP-Nonce"]
    assert response["Cache-Control"] == "no-store"


def test_the_retry_with_the_nonce_gets_a_bound_token_and_a_fresh_nonce(client, machine_app):
    key = new_key()
    nonce = token_post(client, machine_app, CLIENT_CREDENTIALS, key=key)["DPoP-Nonce"]

    response = token_post(client, machine_app, CLIENT_CREDENTIALS, **token_proof(key, nonce=nonce))

    assert response.status_code == 200, response.content
    assert response.json()["token_type"] == "DPoP"
    assert response["DPoP-Nonce"]


def test_a_stale_nonce_is_use_dpop_nonce(client, machine_app):
    stale = dpop_nonce(now=time.time() - 3 * NONCE_WINDOW_SECONDS)

    response = token_post(client, machine_app, CLIENT_CREDENTIALS, **token_proof(new_key(), nonce=stale))

    assert response.status_code == 400
    assert response.json()["error"] == "use_dpop_nonce"


def test_a_forged_nonce_is_use_dpop_nonce(client, machine_app):
    window = int(time.time() // NONCE_WINDOW_SECONDS)

    response = token_post(client, machine_app, CLIENT_CREDENTIALS, **token_proof(new_key(), nonce=f"{window}.forged"))

    assert response.status_code == 400
    assert response.json()["error"] == "use_dpop_nonce"


def test_a_request_without_dpop_is_not_asked_for_a_nonce(client, machine_app):
    response = token_post(client, machine_app, CLIENT_CREDENTIALS)

    assert response.status_code == 200, response.content
    assert "DPoP-Nonce" not in response
