"""Remembered consent: same or fewer scopes skip the page; more scopes, a new client or prompt=consent ask again."""

import pytest
from django.test import Client
from django.urls import reverse
from oauth2_provider.models import get_grant_model

from accounts.services import authorization_revoke
from consent.models import Consent
from tests.factories import AccessTokenFactory, ApplicationFactory
from tests.flows import authorize_params, pkce_pair, redirect_query

pytestmark = pytest.mark.django_db


def authorize(browser: Client, app, scope: str, **extra):
    """GET the authorization endpoint as the signed-in browser."""
    _, challenge = pkce_pair()
    return browser.get(
        reverse("oauth2_provider:authorize"), authorize_params(app, challenge=challenge, scope=scope, **extra)
    )


def approve(browser: Client, app, scope: str, *, keep: list[str] | None = None, **extra):
    """Show the consent page for ``scope`` and press Allow with ``keep`` ticked (default: everything)."""
    page = authorize(browser, app, scope, **extra)
    assert page.status_code == 200, page
    form = {name: value for name, value in page.context["form"].initial.items() if value is not None}
    form["allow"] = "Authorize"
    if keep is not None:
        form["scopes"] = keep
    response = browser.post(reverse("oauth2_provider:authorize"), form)
    assert "code" in redirect_query(response), response
    return response


def shows_page(response) -> bool:
    return response.status_code == 200 and "form" in response.context


def issued_code_scope(response) -> str:
    code = redirect_query(response)["code"]
    return next(grant.scope for grant in get_grant_model().objects.all() if grant.code == code)


def test_first_request_shows_the_page(browser, web_app):
    assert shows_page(authorize(browser, web_app, "openid profile"))


def test_approval_is_remembered_with_the_approved_scopes(browser, user, web_app):
    approve(browser, web_app, "openid profile email", keep=["openid", "email"])

    consent = Consent.objects.get(user=user, application=web_app)
    assert consent.scopes == ["email", "openid"]
    assert consent.created is not None
    assert consent.updated is not None


def test_same_scopes_again_skip_the_page_and_issue_a_code(browser, web_app):
    approve(browser, web_app, "openid profile")

    response = authorize(browser, web_app, "openid profile")

    assert response.status_code == 302
    query = redirect_query(response)
    assert response["Location"].startswith(web_app.redirect_uris + "?")
    assert query["state"] == "state-123"
    assert issued_code_scope(response) == "openid profile"


def test_fewer_scopes_skip_the_page_and_get_only_those(browser, web_app):
    approve(browser, web_app, "openid profile email")

    response = authorize(browser, web_app, "openid email")

    assert response.status_code == 302
    assert issued_code_scope(response) == "openid email"


def test_more_scopes_show_the_page_again(browser, web_app):
    approve(browser, web_app, "openid profile")

    response = authorize(browser, web_app, "openid profile email")

    assert shows_page(response)


def test_a_scope_the_user_unticked_is_asked_for_again(browser, web_app):
    approve(browser, web_app, "openid profile email", keep=["openid", "profile"])

    assert shows_page(authorize(browser, web_app, "openid profile email"))
    assert authorize(browser, web_app, "openid profile").status_code == 302


def test_scopes_approved_over_several_visits_add_up(browser, web_app):
    approve(browser, web_app, "openid profile")
    approve(browser, web_app, "openid email")

    response = authorize(browser, web_app, "openid profile email")

    assert response.status_code == 302
    assert issued_code_scope(response) == "openid profile email"


def test_unticking_a_remembered_scope_on_a_later_page_withdraws_it(browser, user, web_app):
    approve(browser, web_app, "openid profile email")

    approve(browser, web_app, "openid profile email", keep=["openid", "profile"], prompt="consent")

    assert Consent.objects.get(user=user, application=web_app).scopes == ["openid", "profile"]
    assert shows_page(authorize(browser, web_app, "openid email"))


def test_another_client_shows_the_page(browser, web_app):
    approve(browser, web_app, "openid profile")
    other = ApplicationFactory()

    assert shows_page(authorize(browser, other, "openid profile"))


def test_another_user_is_asked_for_their_own_consent(browser, other_user, web_app):
    approve(browser, web_app, "openid profile")
    bob = Client()
    bob.force_login(other_user)

    assert shows_page(authorize(bob, web_app, "openid profile"))


def test_prompt_consent_shows_the_page_despite_remembered_consent(browser, web_app):
    approve(browser, web_app, "openid profile")

    assert shows_page(authorize(browser, web_app, "openid profile", prompt="consent"))


def test_dot_approval_prompt_parameter_cannot_skip_the_page(browser, user, web_app):
    approve(browser, web_app, "openid profile")
    AccessTokenFactory(user=user, application=web_app, scope="openid profile")

    response = authorize(browser, web_app, "openid profile", prompt="consent", approval_prompt="auto")

    assert shows_page(response)


def test_live_token_without_remembered_consent_does_not_skip_the_page(browser, user, web_app):
    AccessTokenFactory(user=user, application=web_app, scope="openid profile")

    assert shows_page(authorize(browser, web_app, "openid profile", approval_prompt="auto"))


def test_deny_is_not_remembered(browser, user, web_app):
    page = authorize(browser, web_app, "openid profile")
    form = {name: value for name, value in page.context["form"].initial.items() if value is not None}

    browser.post(reverse("oauth2_provider:authorize"), form)

    assert not Consent.objects.filter(user=user).exists()


def test_prompt_none_without_remembered_consent_redirects_consent_required(browser, web_app):
    response = authorize(browser, web_app, "openid profile", prompt="none")

    assert response.status_code == 302
    assert response["Location"].startswith(web_app.redirect_uris + "?")
    query = redirect_query(response)
    assert query["error"] == "consent_required"
    assert query["state"] == "state-123"
    assert "code" not in query


def test_prompt_none_for_plain_oauth_without_consent_redirects_consent_required(browser, web_app):
    response = authorize(browser, web_app, "profile", prompt="none")

    assert redirect_query(response)["error"] == "consent_required"


def test_prompt_none_for_more_than_was_remembered_redirects_consent_required(browser, web_app):
    approve(browser, web_app, "openid profile")

    response = authorize(browser, web_app, "openid profile email", prompt="none")

    assert redirect_query(response)["error"] == "consent_required"


def test_prompt_none_with_remembered_consent_issues_a_code(browser, web_app):
    approve(browser, web_app, "openid profile")

    response = authorize(browser, web_app, "openid profile", prompt="none")

    assert response.status_code == 302
    assert "code" in redirect_query(response)


def test_prompt_none_signed_out_redirects_login_required(client, web_app):
    response = authorize(client, web_app, "openid profile", prompt="none")

    assert redirect_query(response)["error"] == "login_required"


def test_prompt_none_combined_with_consent_is_invalid_request(browser, web_app):
    response = authorize(browser, web_app, "openid profile", prompt="none consent")

    assert redirect_query(response)["error"] == "invalid_request"


def test_trusted_first_party_client_skips_the_page_from_the_start(browser):
    trusted = ApplicationFactory(skip_authorization=True)

    response = authorize(browser, trusted, "openid profile email")
    silent = authorize(browser, trusted, "openid profile", prompt="none")

    assert response.status_code == 302
    assert issued_code_scope(response) == "openid profile email"
    assert "code" in redirect_query(silent)


def test_revoking_the_app_forgets_the_consent(browser, user, web_app):
    approve(browser, web_app, "openid profile")

    authorization_revoke(user=user, application=web_app)

    assert not Consent.objects.filter(user=user, application=web_app).exists()
    assert shows_page(authorize(browser, web_app, "openid profile"))


def test_discovery_advertises_prompt_consent(client):
    response = client.get(reverse("oauth2_provider:oidc-connect-discovery-info"))

    assert {"none", "login", "consent"} <= set(response.json()["prompt_values_supported"])
