"""The user's authorized-apps page: what each app may do, since when, and a Revoke button that makes it ask again."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from oauth2_provider.models import get_access_token_model, get_refresh_token_model

from consent.models import Consent
from tests.factories import AccessTokenFactory, ApplicationFactory
from tests.flows import authorize_params, exchange_code, obtain_code, pkce_pair, token_request

pytestmark = pytest.mark.django_db


def test_page_requires_sign_in(client):
    response = client.get(reverse("authorized-apps"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_page_is_linked_from_the_navigation(browser):
    response = browser.get(reverse("home"))

    assert f'href="{reverse("authorized-apps")}"' in response.content.decode()


def test_page_lists_an_authorized_app_with_scope_descriptions_and_dates(browser, client, web_app):
    code, verifier = obtain_code(browser, web_app, scope="openid profile")
    exchange_code(client, web_app, code, verifier)

    response = browser.get(reverse("authorized-apps"))

    html = response.content.decode()
    assert response.status_code == 200
    assert web_app.name in html
    assert "See your name and username" in html
    assert "Authorized " in html
    assert "last token " in html
    assert "no-store" in response["Cache-Control"]


def test_page_lists_an_app_remembered_by_consent_after_its_tokens_expired(browser, user, web_app):
    Consent.objects.create(user=user, application=web_app, scopes=["openid", "email"])
    AccessTokenFactory(user=user, application=web_app, expires=timezone.now() - timedelta(hours=2))

    response = browser.get(reverse("authorized-apps"))

    assert web_app.name in response.content.decode()
    assert "See your email address" in response.content.decode()


def test_page_never_shows_another_users_apps(browser, other_user):
    theirs = ApplicationFactory(name="Bob's private app")
    AccessTokenFactory(user=other_user, application=theirs)
    Consent.objects.create(user=other_user, application=theirs, scopes=["openid"])

    response = browser.get(reverse("authorized-apps"))

    assert "Bob&#x27;s private app" not in response.content.decode()
    assert "You have not authorized any application." in response.content.decode()


def test_each_app_has_a_csrf_protected_revoke_button(browser, user, web_app):
    Consent.objects.create(user=user, application=web_app, scopes=["openid"])

    html = browser.get(reverse("authorized-apps")).content.decode()

    assert f'action="{reverse("authorized-app-revoke", args=[web_app.pk])}"' in html
    assert 'name="csrfmiddlewaretoken"' in html


def test_revoke_kills_tokens_forgets_consent_and_the_app_must_ask_again(browser, client, user, web_app):
    code, verifier = obtain_code(browser, web_app, scope="openid profile")
    tokens = exchange_code(client, web_app, code, verifier).json()

    response = browser.post(reverse("authorized-app-revoke", args=[web_app.pk]), follow=True)

    assert response.redirect_chain == [(reverse("authorized-apps"), 302)]
    assert "can no longer access your account" in response.content.decode()
    assert "You have not authorized any application." in response.content.decode()
    assert not Consent.objects.filter(user=user, application=web_app).exists()
    assert not get_access_token_model().objects.filter(user=user, application=web_app).exists()
    assert get_refresh_token_model().objects.get(user=user, application=web_app).revoked is not None
    refreshed = token_request(
        client, web_app, {"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]}
    )
    assert refreshed.status_code == 400
    _, challenge = pkce_pair()
    again = browser.get(reverse("oauth2_provider:authorize"), authorize_params(web_app, challenge=challenge))
    assert again.status_code == 200
    assert "form" in again.context


def test_revoke_leaves_other_users_untouched(browser, other_user, user, web_app):
    Consent.objects.create(user=user, application=web_app, scopes=["openid"])
    Consent.objects.create(user=other_user, application=web_app, scopes=["openid"])
    theirs = AccessTokenFactory(user=other_user, application=web_app)

    browser.post(reverse("authorized-app-revoke", args=[web_app.pk]))

    assert Consent.objects.filter(user=other_user, application=web_app).exists()
    assert get_access_token_model().objects.filter(pk=theirs.pk).exists()


def test_revoke_without_csrf_token_is_refused(user, web_app):
    Consent.objects.create(user=user, application=web_app, scopes=["openid"])
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(user)

    response = browser.post(reverse("authorized-app-revoke", args=[web_app.pk]))

    assert response.status_code == 403
    assert Consent.objects.filter(user=user, application=web_app).exists()


def test_revoke_by_get_is_not_allowed(browser, user, web_app):
    Consent.objects.create(user=user, application=web_app, scopes=["openid"])

    response = browser.get(reverse("authorized-app-revoke", args=[web_app.pk]))

    assert response.status_code == 405
    assert Consent.objects.filter(user=user, application=web_app).exists()


def test_revoke_of_an_unknown_app_is_404(browser):
    response = browser.post(reverse("authorized-app-revoke", args=[999999]))

    assert response.status_code == 404
