"""An authorization request may bind its code to a DPoP key (RFC 9449 §10): dpop_jkt, or a proof at PAR."""

from urllib.parse import urlencode

import pytest
from django.test import Client
from django.urls import reverse

from tests.dpop.proofs import dpop_proof, new_key, token_post, url
from tests.factories import ApplicationFactory
from tests.flows import authorize_params, basic_auth, form_post, obtain_code, pkce_pair, redirect_query

pytestmark = pytest.mark.django_db


def _exchange(client, app, code: str, verifier: str, key=None):
    data = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": app.redirect_uris.split()[0],
        "code_verifier": verifier,
    }
    return token_post(client, app, data, key=key)


def _pushed_code(browser, app, *, key=None, **extra) -> tuple:
    verifier, challenge = pkce_pair()
    headers = {"HTTP_DPOP": dpop_proof(key, htu=url("oauth2_provider:pushed-authorization"))} if key else {}
    pushed = form_post(
        Client(),
        reverse("oauth2_provider:pushed-authorization"),
        authorize_params(app, challenge=challenge, **extra),
        **basic_auth(app.client_id),
        **headers,
    )
    assert pushed.status_code == 201, pushed.content
    query = urlencode({"client_id": app.client_id, "request_uri": pushed.json()["request_uri"]})
    page = browser.get(f"{reverse('oauth2_provider:authorize')}?{query}")
    form = {name: value for name, value in page.context["form"].initial.items() if value is not None}
    # The consent form posts back to the page's URL: the request_uri names the request it answers.
    response = browser.post(f"{reverse('oauth2_provider:authorize')}?{query}", {**form, "allow": "Authorize"})
    return redirect_query(response)["code"], verifier


def test_a_code_bound_by_dpop_jkt_is_redeemed_with_a_proof_of_that_key(browser, client, web_app):
    key = new_key()
    code, verifier = obtain_code(browser, web_app, dpop_jkt=key.thumbprint())

    response = _exchange(client, web_app, code, verifier, key)

    assert response.status_code == 200, response.content
    assert response.json()["token_type"] == "DPoP"


def test_a_code_bound_by_dpop_jkt_is_refused_with_another_keys_proof_and_stays_redeemable(browser, client, web_app):
    key = new_key()
    code, verifier = obtain_code(browser, web_app, dpop_jkt=key.thumbprint())

    refused = _exchange(client, web_app, code, verifier, new_key())
    redeemed = _exchange(client, web_app, code, verifier, key)

    assert refused.status_code == 400
    assert refused.json()["error"] == "invalid_grant"
    assert redeemed.status_code == 200, redeemed.content


def test_a_code_bound_by_dpop_jkt_is_refused_without_a_proof(browser, client, web_app):
    code, verifier = obtain_code(browser, web_app, dpop_jkt=new_key().thumbprint())

    response = _exchange(client, web_app, code, verifier)

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"


def test_a_trusted_clients_code_is_bound_too(browser, client):
    app = ApplicationFactory(skip_authorization=True)
    key = new_key()
    code, verifier = obtain_code(browser, app, dpop_jkt=key.thumbprint())

    assert _exchange(client, app, code, verifier, new_key()).status_code == 400
    assert _exchange(client, app, code, verifier, key).status_code == 200


def test_a_malformed_dpop_jkt_is_invalid_request(browser, web_app):
    _, challenge = pkce_pair()

    response = browser.get(
        reverse("oauth2_provider:authorize"), authorize_params(web_app, challenge=challenge, dpop_jkt="abc")
    )

    assert response.status_code == 302
    assert redirect_query(response)["error"] == "invalid_request"
    assert "dpop_jkt" in redirect_query(response)["error_description"]


def test_dpop_jkt_in_a_pushed_request_binds_the_code(browser, client, web_app):
    key = new_key()
    code, verifier = _pushed_code(browser, web_app, dpop_jkt=key.thumbprint())

    assert _exchange(client, web_app, code, verifier, new_key()).status_code == 400
    assert _exchange(client, web_app, code, verifier, key).status_code == 200


def test_a_proof_at_the_pushed_request_endpoint_binds_the_code_to_its_key(browser, client, web_app):
    key = new_key()
    code, verifier = _pushed_code(browser, web_app, key=key)

    assert _exchange(client, web_app, code, verifier, new_key()).json()["error"] == "invalid_grant"
    assert _exchange(client, web_app, code, verifier, key).status_code == 200


def test_a_proof_at_par_of_another_key_than_dpop_jkt_is_invalid_dpop_proof(web_app):
    _, challenge = pkce_pair()

    response = form_post(
        Client(),
        reverse("oauth2_provider:pushed-authorization"),
        authorize_params(web_app, challenge=challenge, dpop_jkt=new_key().thumbprint()),
        **basic_auth(web_app.client_id),
        HTTP_DPOP=dpop_proof(new_key(), htu=url("oauth2_provider:pushed-authorization")),
    )

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_dpop_proof"


def test_a_bad_proof_at_par_is_invalid_dpop_proof(web_app):
    _, challenge = pkce_pair()

    response = form_post(
        Client(),
        reverse("oauth2_provider:pushed-authorization"),
        authorize_params(web_app, challenge=challenge),
        **basic_auth(web_app.client_id),
        HTTP_DPOP=dpop_proof(new_key(), htu=url("oauth2_provider:token")),
    )

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_dpop_proof"
