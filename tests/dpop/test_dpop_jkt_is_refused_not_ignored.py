"""Binding the code to a DPoP key (RFC 9449 §10) is not offered: dpop_jkt, and a proof at PAR, are refused."""

import pytest
from django.urls import reverse

from tests.dpop.proofs import dpop_proof, new_key, url
from tests.flows import authorize_params, basic_auth, form_post, pkce_pair, redirect_query

pytestmark = pytest.mark.django_db


def test_dpop_jkt_at_the_authorization_endpoint_is_invalid_request(browser, web_app):
    _, challenge = pkce_pair()

    response = browser.get(
        reverse("oauth2_provider:authorize"), authorize_params(web_app, challenge=challenge, dpop_jkt="abc")
    )

    assert response.status_code == 302
    assert redirect_query(response)["error"] == "invalid_request"
    assert "dpop_jkt" in redirect_query(response)["error_description"]


def test_dpop_jkt_in_a_pushed_request_is_invalid_request(client, web_app):
    _, challenge = pkce_pair()

    response = form_post(
        client,
        reverse("oauth2_provider:pushed-authorization"),
        authorize_params(web_app, challenge=challenge, dpop_jkt="abc"),
        **basic_auth(web_app.client_id),
    )

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"


def test_a_dpop_proof_at_the_pushed_request_endpoint_is_invalid_request(client, web_app):
    _, challenge = pkce_pair()
    proof = dpop_proof(new_key(), htu=url("oauth2_provider:pushed-authorization"))

    response = form_post(
        client,
        reverse("oauth2_provider:pushed-authorization"),
        authorize_params(web_app, challenge=challenge),
        **basic_auth(web_app.client_id),
        HTTP_DPOP=proof,
    )

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"
