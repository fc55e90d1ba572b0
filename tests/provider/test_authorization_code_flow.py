"""Authorization code + PKCE (S256 only) through the real authorize and token endpoints."""

import pytest
from django.urls import reverse

from tests.flows import consent, exchange_code, obtain_code, pkce_pair, redirect_query

pytestmark = pytest.mark.django_db


def test_code_flow_with_pkce_issues_tokens_with_no_store(browser, web_app, client):
    code, verifier = obtain_code(browser, web_app)

    response = exchange_code(client, web_app, code, verifier)

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["token_type"] == "Bearer"
    assert body["scope"] == "openid profile"
    assert {"access_token", "refresh_token", "id_token", "expires_in"} <= body.keys()
    assert response["Cache-Control"] == "no-store"
    assert response["Pragma"] == "no-cache"


def test_authorization_response_carries_state_and_iss(browser, web_app):
    _, challenge = pkce_pair()

    response = consent(browser, web_app, challenge=challenge)

    query = redirect_query(response)
    assert response["Location"].startswith(web_app.redirect_uris + "?")
    assert query["state"] == "state-123"
    assert query["iss"] == "http://testserver"


def test_public_client_exchanges_code_without_secret(browser, public_app, client):
    code, verifier = obtain_code(browser, public_app)

    response = exchange_code(client, public_app, code, verifier, secret=None)

    assert response.status_code == 200, response.content


def test_authorize_without_code_challenge_redirects_invalid_request(browser, web_app):
    params = {
        "response_type": "code",
        "client_id": web_app.client_id,
        "redirect_uri": web_app.redirect_uris,
        "scope": "openid",
        "state": "s",
    }

    response = browser.get(reverse("oauth2_provider:authorize"), params)

    assert response.status_code == 302
    query = redirect_query(response)
    assert query["error"] == "invalid_request"
    assert query["error_description"] == "Code challenge required."


def test_authorize_with_plain_challenge_method_is_refused(browser, web_app):
    params = {
        "response_type": "code",
        "client_id": web_app.client_id,
        "redirect_uri": web_app.redirect_uris,
        "scope": "openid",
        "state": "s",
        "code_challenge": "a" * 43,
        "code_challenge_method": "plain",
    }

    response = browser.get(reverse("oauth2_provider:authorize"), params)

    assert response.status_code == 302
    assert redirect_query(response)["error"] == "invalid_request"


def test_token_request_without_verifier_is_invalid_request(browser, web_app, client):
    code, _ = obtain_code(browser, web_app)

    response = exchange_code(client, web_app, code, "")

    assert response.status_code == 400
    assert response.json()["error"] in {"invalid_request", "invalid_grant"}


def test_token_request_with_wrong_verifier_is_invalid_grant(browser, web_app, client):
    code, _ = obtain_code(browser, web_app)
    wrong_verifier, _ = pkce_pair()

    response = exchange_code(client, web_app, code, wrong_verifier)

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"


def test_code_cannot_be_redeemed_twice(browser, web_app, client):
    code, verifier = obtain_code(browser, web_app)
    assert exchange_code(client, web_app, code, verifier).status_code == 200

    replay = exchange_code(client, web_app, code, verifier)

    assert replay.status_code == 400
    assert replay.json()["error"] == "invalid_grant"


def test_unregistered_redirect_uri_is_never_redirected_to(browser, web_app):
    _, challenge = pkce_pair()
    params = {
        "response_type": "code",
        "client_id": web_app.client_id,
        "redirect_uri": "https://attacker.example.test/callback",
        "scope": "openid",
        "state": "s",
        "code_challenge": challenge,
        "code_challenge_method": "S256",
    }

    response = browser.get(reverse("oauth2_provider:authorize"), params)

    assert response.status_code == 400
    assert "attacker" not in response.get("Location", "")
    assert b"invalid_request" in response.content or b"Mismatching redirect URI" in response.content


def test_token_request_with_different_redirect_uri_is_refused(browser, web_app, client):
    code, verifier = obtain_code(browser, web_app)

    response = exchange_code(client, web_app, code, verifier, redirect_uri="https://client.example.test/other")

    assert response.status_code == 400
    assert response.json()["error"] in {"invalid_request", "invalid_grant"}


def test_deny_on_consent_redirects_access_denied(browser, web_app):
    _, challenge = pkce_pair()

    response = consent(browser, web_app, challenge=challenge, allow=False)

    assert response.status_code == 302
    query = redirect_query(response)
    assert query["error"] == "access_denied"
    assert query["state"] == "state-123"


def test_anonymous_user_is_sent_to_login_first(client, web_app):
    _, challenge = pkce_pair()
    params = {
        "response_type": "code",
        "client_id": web_app.client_id,
        "redirect_uri": web_app.redirect_uris,
        "scope": "openid",
        "code_challenge": challenge,
        "code_challenge_method": "S256",
    }

    response = client.get(reverse("oauth2_provider:authorize"), params)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login") + "?next=")
