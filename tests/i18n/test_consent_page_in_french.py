"""The consent page speaks French: from the browser's Accept-Language, or the client's OIDC ui_locales."""

from urllib.parse import urlencode

import pytest
from django.urls import reverse

from tests.flows import authorize_params, pkce_pair


@pytest.fixture
def authorize_url(web_app) -> str:
    _, challenge = pkce_pair()
    params = authorize_params(web_app, challenge=challenge, scope="openid profile", prompt="consent")
    return f"{reverse('oauth2_provider:authorize')}?{urlencode(params)}"


def test_a_french_browser_gets_the_consent_page_in_french(browser, authorize_url, web_app):
    page = browser.get(authorize_url, headers={"Accept-Language": "fr-FR,fr;q=0.9,en;q=0.5"})

    html = page.content.decode()
    assert page.status_code == 200
    assert '<html lang="fr">' in html
    assert f"<strong>{web_app.name}</strong> souhaite accéder à votre compte" in html
    assert "Vous connecter et confirmer votre identité" in html  # the openid scope's sentence
    assert ">Autoriser</button>" in html
    assert ">Refuser</button>" in html


def test_ui_locales_fr_wins_over_an_english_browser(browser, authorize_url, web_app):
    page = browser.get(f"{authorize_url}&ui_locales=fr-CA%20en", headers={"Accept-Language": "en"})

    assert '<html lang="fr">' in page.content.decode()
    assert "souhaite accéder à votre compte" in page.content.decode()


def test_an_unsupported_ui_locale_is_ignored(browser, authorize_url):
    page = browser.get(f"{authorize_url}&ui_locales=tlh", headers={"Accept-Language": "en"})

    assert "wants to access your account" in page.content.decode()


def test_the_sign_in_page_follows_the_ui_locales_of_the_request_it_returns_to(client, authorize_url):
    response = client.get(f"{authorize_url}&ui_locales=fr")
    login_page = client.get(response["Location"], headers={"Accept-Language": "en"})

    assert response.status_code == 302
    assert "<h1>Se connecter</h1>" in login_page.content.decode()


def test_the_language_switcher_link_sets_the_language_and_goes_back(client):
    login = reverse("login")
    page = client.get(login, headers={"Accept-Language": "en"})
    assert f'href="{reverse("language", args=["fr"])}"' in page.content.decode()

    response = client.get(reverse("language", args=["fr"]), headers={"Referer": f"http://testserver{login}"})
    page = client.get(login, headers={"Accept-Language": "en"})

    assert response.status_code == 302
    assert response["Location"] == f"http://testserver{login}"
    assert "<h1>Se connecter</h1>" in page.content.decode()


def test_the_switcher_never_sends_the_browser_to_another_site(client):
    response = client.get(reverse("language", args=["fr"]), headers={"Referer": "https://attacker.example.test/"})

    assert response["Location"] == reverse("home")


def test_an_unknown_language_is_404(client):
    assert client.get(reverse("language", args=["tlh"])).status_code == 404
