"""The consent page lists each requested scope; the user unticks optional ones and the token carries the rest."""

import base64
import json

import pytest
from django.test import Client
from django.urls import reverse
from oauth2_provider.models import get_access_token_model, get_grant_model

from tests.factories import ApplicationFactory
from tests.flows import authorize_params, exchange_code, pkce_pair, redirect_query

pytestmark = pytest.mark.django_db

REQUESTED = "openid profile email"


def consent_page(browser: Client, app, scope: str = REQUESTED, **extra):
    """GET the authorization endpoint; return the page and the PKCE verifier for the later exchange."""
    verifier, challenge = pkce_pair()
    page = browser.get(
        reverse("oauth2_provider:authorize"), authorize_params(app, challenge=challenge, scope=scope, **extra)
    )
    return page, verifier


def submitted_form(page, **overrides) -> dict:
    """What the browser sends for ``page``: its hidden fields, the ticked scopes and the Allow button."""
    form = {name: value for name, value in page.context["form"].initial.items() if value is not None}
    return {**form, "allow": "Authorize", **overrides}


def id_token_claims(id_token: str) -> dict:
    payload = id_token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def test_page_lists_each_requested_scope_with_its_description_ticked(browser, web_app):
    page, _ = consent_page(browser, web_app)

    html = page.content.decode()
    assert page.status_code == 200
    for scope, description in [("profile", "See your name and username"), ("email", "See your email address")]:
        assert f'name="scopes" value="{scope}"' in html
        assert description in html
    assert html.count('type="checkbox" name="scopes"') == 3
    assert "checked" in html


def test_openid_is_ticked_disabled_and_still_submitted(browser, web_app):
    page, _ = consent_page(browser, web_app)

    html = page.content.decode()
    assert 'type="checkbox" name="scopes" value="openid"' in html
    openid_checkbox = html[html.index('value="openid"') - 80 : html.index('value="openid"') + 120]
    assert "disabled" in openid_checkbox
    assert "checked" in openid_checkbox
    assert '<input type="hidden" name="scopes" value="openid">' in html


def test_scopes_not_requested_are_not_offered(browser, web_app):
    page, _ = consent_page(browser, web_app, scope="openid profile")

    html = page.content.decode()
    assert 'value="email"' not in html
    assert 'value="notes:write"' not in html


def test_unticked_scope_is_left_out_of_code_token_and_token_response(browser, client, web_app):
    page, verifier = consent_page(browser, web_app)

    approval = browser.post(reverse("oauth2_provider:authorize"), submitted_form(page, scopes=["openid", "profile"]))
    code = redirect_query(approval)["code"]
    assert get_grant_model().objects.get(application=web_app).scope == "openid profile"
    response = exchange_code(client, web_app, code, verifier)

    assert response.status_code == 200, response.content
    body = response.json()
    # RFC 6749 §5.1: the scope differs from the request, so the response must say what was granted.
    assert body["scope"] == "openid profile"
    assert get_access_token_model().objects.get(application=web_app).scope == "openid profile"
    assert "email" not in id_token_claims(body["id_token"])


def test_userinfo_of_a_narrowed_token_leaves_out_the_unticked_claims(browser, client, web_app):
    page, verifier = consent_page(browser, web_app)
    approval = browser.post(reverse("oauth2_provider:authorize"), submitted_form(page, scopes=["openid", "profile"]))
    access_token = exchange_code(client, web_app, redirect_query(approval)["code"], verifier).json()["access_token"]

    userinfo = client.get(reverse("oauth2_provider:user-info"), HTTP_AUTHORIZATION=f"Bearer {access_token}")

    assert userinfo.status_code == 200
    assert userinfo.json()["preferred_username"] == "alice"
    assert "email" not in userinfo.json()


def test_openid_stays_when_the_post_leaves_it_out(browser, client, web_app):
    page, verifier = consent_page(browser, web_app)

    approval = browser.post(reverse("oauth2_provider:authorize"), submitted_form(page, scopes=["email"]))

    response = exchange_code(client, web_app, redirect_query(approval)["code"], verifier)
    assert response.json()["scope"] == "openid email"
    assert "id_token" in response.json()


def test_keeping_every_scope_grants_all_that_was_requested(browser, client, web_app):
    page, verifier = consent_page(browser, web_app)

    approval = browser.post(reverse("oauth2_provider:authorize"), submitted_form(page))

    response = exchange_code(client, web_app, redirect_query(approval)["code"], verifier)
    assert response.json()["scope"] == REQUESTED


def test_post_adding_a_scope_that_was_not_requested_is_refused(browser, web_app):
    page, _ = consent_page(browser, web_app, scope="openid profile")

    response = browser.post(
        reverse("oauth2_provider:authorize"), submitted_form(page, scopes=["openid", "profile", "notes:write"])
    )

    assert response.status_code == 400
    assert "Location" not in response
    assert not get_grant_model().objects.exists()


def test_post_with_an_edited_scope_field_is_refused(browser, web_app):
    page, _ = consent_page(browser, web_app, scope="openid profile")

    response = browser.post(
        reverse("oauth2_provider:authorize"),
        submitted_form(page, scope="openid profile notes:write", scopes=["openid", "profile", "notes:write"]),
    )

    assert response.status_code == 400
    assert b"altered" in response.content
    assert not get_grant_model().objects.exists()


def test_approval_cannot_be_replayed_for_another_client(browser, web_app):
    other = ApplicationFactory(redirect_uris=web_app.redirect_uris)
    page, _ = consent_page(browser, web_app)

    response = browser.post(reverse("oauth2_provider:authorize"), submitted_form(page, client_id=other.client_id))

    assert response.status_code == 400
    assert not get_grant_model().objects.exists()


def test_allow_with_every_optional_scope_unticked_is_access_denied(browser, web_app):
    page, _ = consent_page(browser, web_app, scope="profile email")

    response = browser.post(reverse("oauth2_provider:authorize"), submitted_form(page, scopes=[]))

    assert response.status_code == 302
    assert redirect_query(response)["error"] == "access_denied"
    assert not get_grant_model().objects.exists()


def test_deny_redirects_access_denied_with_state(browser, web_app):
    page, _ = consent_page(browser, web_app)
    form = submitted_form(page)
    del form["allow"]

    response = browser.post(reverse("oauth2_provider:authorize"), form)

    query = redirect_query(response)
    assert query["error"] == "access_denied"
    assert query["state"] == "state-123"
    assert not get_grant_model().objects.exists()


def test_consent_post_without_csrf_token_is_refused(user, web_app):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(user)
    page, _ = consent_page(browser, web_app)

    response = browser.post(reverse("oauth2_provider:authorize"), submitted_form(page))

    assert response.status_code == 403
    assert not get_grant_model().objects.exists()
