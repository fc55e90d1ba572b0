"""The pages people see: sign in, sign out, change password, consent; unframeable and free of CDNs."""

import re
from urllib.parse import urlencode

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from tests.factories import USER_PASSWORD
from tests.flows import authorize_params, pkce_pair

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-brand-new-passphrase-42"
# Any src/href/action pointing at an absolute or protocol-relative URL: pages must load nothing from elsewhere.
EXTERNAL_REFERENCE = re.compile(r"""(?:src|href|action)\s*=\s*["']?\s*(?:https?:)?//""", re.IGNORECASE)


def signed_in(http: Client) -> bool:
    return "_auth_user_id" in http.session


def test_login_page_renders_a_csrf_protected_form(client):
    response = client.get(reverse("login"))

    assert response.status_code == 200
    html = response.content.decode()
    assert "csrfmiddlewaretoken" in html
    assert 'autocomplete="current-password"' in html


def test_signing_in_with_the_right_password_works_and_follows_next(client, user):
    response = client.post(reverse("login"), {"username": "alice", "password": USER_PASSWORD, "next": "/o/device/"})

    assert response.status_code == 302
    assert response["Location"] == "/o/device/"
    assert signed_in(client)


def test_a_wrong_password_shows_an_error_and_does_not_sign_in(client, user):
    response = client.post(reverse("login"), {"username": "alice", "password": "wrong-password"})

    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()
    assert not signed_in(client)


def test_next_never_sends_anyone_to_another_site(client, user):
    response = client.post(
        reverse("login"), {"username": "alice", "password": USER_PASSWORD, "next": "https://evil.example.test/"}
    )

    assert response.status_code == 302
    assert "evil" not in response["Location"]


def test_signing_out_is_a_post(browser):
    assert browser.get(reverse("logout")).status_code == 405
    assert signed_in(browser)

    response = browser.post(reverse("logout"))

    assert response.status_code == 302
    assert not signed_in(browser)


def test_signing_out_needs_the_csrf_token(user):
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(user)

    assert strict.post(reverse("logout")).status_code == 403
    assert signed_in(strict)


def test_the_password_change_page_needs_a_signed_in_user(client):
    response = client.get(reverse("password_change"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_changing_the_password_works_and_keeps_the_session(browser, user):
    page = browser.get(reverse("password_change"))
    assert page.status_code == 200

    response = browser.post(
        reverse("password_change"),
        {"old_password": USER_PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("password_change_done")
    assert signed_in(browser)
    refreshed = get_user_model().objects.get(pk=user.pk)
    assert refreshed.check_password(NEW_PASSWORD)
    assert browser.get(reverse("password_change_done")).status_code == 200


def test_a_weak_new_password_is_a_field_error(browser, user):
    response = browser.post(
        reverse("password_change"),
        {"old_password": USER_PASSWORD, "new_password1": "password", "new_password2": "password"},
    )

    assert response.status_code == 200
    assert 'class="field-error"' in response.content.decode()
    assert get_user_model().objects.get(pk=user.pk).check_password(USER_PASSWORD)


def test_the_consent_page_cannot_be_framed(browser, web_app):
    _, challenge = pkce_pair()

    response = browser.get(reverse("oauth2_provider:authorize"), authorize_params(web_app, challenge=challenge))

    assert response.status_code == 200
    assert response["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]


@pytest.mark.parametrize("url_name", ["login", "home"])
def test_sign_in_pages_cannot_be_framed_either(client, url_name):
    response = client.get(reverse(url_name))

    assert response["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]


def test_no_page_loads_anything_from_another_host(client, browser, web_app):
    _, challenge = pkce_pair()
    anonymous_pages = [reverse("home"), reverse("login")]
    signed_in_pages = [
        reverse("home"),
        reverse("password_change"),
        reverse("oauth2_provider:device"),
        reverse("oauth2_provider:authorize") + "?" + urlencode(authorize_params(web_app, challenge=challenge)),
    ]

    for http, urls in ((client, anonymous_pages), (browser, signed_in_pages)):
        for url in urls:
            response = http.get(url)
            assert response.status_code == 200, url
            found = EXTERNAL_REFERENCE.findall(response.content.decode())
            assert not found, f"{url} references another host: {found}"


def test_the_stylesheet_is_served_by_the_provider_itself(client):
    response = client.get("/static/css/site.css")

    assert response.status_code == 200


def test_the_sign_in_page_names_the_provider_not_the_host(client, settings):
    settings.SITE_NAME = "Example Identity"

    response = client.get(reverse("login"))

    assert "<title>Sign in · Example Identity</title>" in response.content.decode()


def test_the_consent_page_is_never_cached(browser, web_app):
    _, challenge = pkce_pair()

    response = browser.get(reverse("oauth2_provider:authorize"), authorize_params(web_app, challenge=challenge))

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
