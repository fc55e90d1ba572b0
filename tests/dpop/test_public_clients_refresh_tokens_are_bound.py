"""A public client's refresh token is bound to its DPoP key: only a proof of that key refreshes it (RFC 9449 §5)."""

import pytest

from tests.dpop.proofs import dpop_tokens_for, new_key, token_post
from tests.flows import tokens_for

pytestmark = pytest.mark.django_db


def _refresh(client, app, refresh_token: str, key=None):
    return token_post(client, app, {"grant_type": "refresh_token", "refresh_token": refresh_token}, key=key)


def test_a_refresh_with_a_proof_of_the_same_key_works_and_stays_bound(browser, client, public_app):
    key = new_key()
    first = dpop_tokens_for(browser, client, public_app, key)

    second = _refresh(client, public_app, first["refresh_token"], key)
    third = _refresh(client, public_app, second.json()["refresh_token"], key)

    assert second.status_code == 200, second.content
    assert second.json()["token_type"] == "DPoP"
    assert third.status_code == 200, third.content


def test_a_refresh_with_a_proof_of_another_key_is_invalid_grant(browser, client, public_app):
    first = dpop_tokens_for(browser, client, public_app, new_key())

    response = _refresh(client, public_app, first["refresh_token"], new_key())

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"


def test_a_refresh_without_a_proof_is_invalid_grant(browser, client, public_app):
    first = dpop_tokens_for(browser, client, public_app, new_key())

    response = _refresh(client, public_app, first["refresh_token"])

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"


def test_the_refused_refresh_leaves_the_token_usable_by_its_key_holder(browser, client, public_app):
    key = new_key()
    first = dpop_tokens_for(browser, client, public_app, key)
    _refresh(client, public_app, first["refresh_token"], new_key())

    response = _refresh(client, public_app, first["refresh_token"], key)

    assert response.status_code == 200, response.content


def test_a_chain_started_without_a_proof_is_not_bound(browser, client, public_app):
    first = tokens_for(browser, client, public_app)

    response = _refresh(client, public_app, first["refresh_token"], new_key())

    assert response.status_code == 200, response.content
    assert response.json()["token_type"] == "DPoP"
