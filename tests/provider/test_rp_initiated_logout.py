"""OIDC RP-Initiated Logout 1.0: confirm, sign out, go back only to a registered post-logout URI."""

import pytest
from django.test import Client
from django.urls import reverse
from oauth2_provider.models import get_access_token_model

from tests.factories import ApplicationFactory
from tests.flows import redirect_query, tokens_for

pytestmark = pytest.mark.django_db

SIGNED_OUT = "https://client.example.test/signed-out"


def logout_params(id_token: str, **extra) -> dict:
    return {"id_token_hint": id_token, "post_logout_redirect_uri": SIGNED_OUT, "state": "bye-123", **extra}


def confirm(browser: Client, params: dict, *, allow: bool = True):
    """Show the confirmation page, then submit it the way the person would."""
    page = browser.get(reverse("oauth2_provider:rp-initiated-logout"), params)
    assert page.status_code == 200, page.content
    form = {name: value for name, value in page.context["form"].initial.items() if value is not None}
    if allow:
        form["allow"] = "true"
    return browser.post(reverse("oauth2_provider:rp-initiated-logout"), form)


def is_signed_in(browser: Client) -> bool:
    return "_auth_user_id" in browser.session


def test_logout_asks_for_confirmation_first(browser, client, web_app):
    id_token = tokens_for(browser, client, web_app)["id_token"]

    page = browser.get(reverse("oauth2_provider:rp-initiated-logout"), logout_params(id_token))

    assert page.status_code == 200
    assert web_app.name.encode() in page.content
    assert b"csrfmiddlewaretoken" in page.content
    assert page["X-Frame-Options"] == "DENY"
    assert is_signed_in(browser)


def test_confirming_signs_out_and_returns_to_the_client_with_state(browser, client, web_app):
    id_token = tokens_for(browser, client, web_app)["id_token"]

    response = confirm(browser, logout_params(id_token))

    assert response.status_code == 302
    assert response["Location"].startswith(SIGNED_OUT + "?")
    assert redirect_query(response) == {"state": "bye-123"}
    assert not is_signed_in(browser)


def test_signing_out_revokes_the_tokens_issued_to_the_user(browser, client, web_app):
    tokens = tokens_for(browser, client, web_app)

    confirm(browser, logout_params(tokens["id_token"]))

    assert not get_access_token_model().objects.filter(user__username="alice").exists()
    userinfo = client.get(reverse("oauth2_provider:user-info"), HTTP_AUTHORIZATION=f"Bearer {tokens['access_token']}")
    assert userinfo.status_code == 401


def test_staying_signed_in_keeps_the_session(browser, client, web_app):
    id_token = tokens_for(browser, client, web_app)["id_token"]

    response = confirm(browser, logout_params(id_token), allow=False)

    assert response.status_code == 400
    assert b"logout_denied" in response.content
    assert is_signed_in(browser)


def test_an_unregistered_post_logout_uri_is_refused_and_never_redirected_to(browser, client, web_app):
    id_token = tokens_for(browser, client, web_app)["id_token"]
    params = logout_params(id_token, post_logout_redirect_uri="https://attacker.example.test/")

    response = browser.get(reverse("oauth2_provider:rp-initiated-logout"), params)

    assert response.status_code == 400
    assert "Location" not in response
    assert b"attacker" not in response.content
    assert b"This client does not have this redirect uri registered" in response.content
    assert is_signed_in(browser)


def test_an_unregistered_post_logout_uri_is_refused_on_post_too(browser, client, web_app):
    id_token = tokens_for(browser, client, web_app)["id_token"]
    form = {**logout_params(id_token, post_logout_redirect_uri="https://attacker.example.test/"), "allow": "true"}

    response = browser.post(reverse("oauth2_provider:rp-initiated-logout"), form)

    assert response.status_code == 400
    assert "Location" not in response
    assert is_signed_in(browser)


def test_a_post_logout_uri_of_another_client_is_refused(browser, client, web_app):
    id_token = tokens_for(browser, client, web_app)["id_token"]
    ApplicationFactory(post_logout_redirect_uris="https://other.example.test/bye")
    params = logout_params(id_token, post_logout_redirect_uri="https://other.example.test/bye")

    response = browser.get(reverse("oauth2_provider:rp-initiated-logout"), params)

    assert response.status_code == 400


def test_a_forged_id_token_hint_is_refused(browser, client, web_app):
    id_token = tokens_for(browser, client, web_app)["id_token"]
    header, payload, _ = id_token.split(".")

    response = browser.get(
        reverse("oauth2_provider:rp-initiated-logout"), logout_params(f"{header}.{payload}.forged-signature")
    )

    assert response.status_code == 400
    assert "Location" not in response


def test_a_client_id_that_does_not_match_the_id_token_is_refused(browser, client, web_app):
    id_token = tokens_for(browser, client, web_app)["id_token"]
    other = ApplicationFactory()

    response = browser.get(
        reverse("oauth2_provider:rp-initiated-logout"), logout_params(id_token, client_id=other.client_id)
    )

    assert response.status_code == 400


def test_without_a_post_logout_uri_the_person_lands_on_our_home_page(browser, client, web_app):
    id_token = tokens_for(browser, client, web_app)["id_token"]

    response = confirm(browser, {"id_token_hint": id_token})

    assert response.status_code == 302
    assert response["Location"] == "http://testserver/"
    assert not is_signed_in(browser)
