"""The account and two-step sign-in pages speak French to a French browser, plural forms and messages included."""

import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.mfa import totp_code

pytestmark = pytest.mark.django_db

FRENCH = {"Accept-Language": "fr-FR,fr;q=0.9,en;q=0.5"}


def test_the_account_page_is_in_french(browser):
    page = browser.get(reverse("account"), headers=FRENCH).content.decode()

    assert '<html lang="fr">' in page
    assert "<h1>Votre compte</h1>" in page
    assert "Changer votre mot de passe" in page
    assert "Où vous êtes connecté" in page
    assert ">Se déconnecter partout</button>" in page
    assert "0 application peut utiliser votre compte" in page  # French uses the singular for zero


def test_the_two_step_sign_in_page_is_in_french(browser):
    page = browser.get(reverse("mfa-settings"), headers=FRENCH).content.decode()

    assert "<h1>Connexion en deux étapes</h1>" in page
    assert "Quelqu'un qui découvrirait votre mot de passe ne pourrait pas pour autant se connecter." in page
    assert "Configurer une application d'authentification</a>" in page
    assert "Les codes de récupération sont générés quand vous configurez votre premier second facteur." in page


def test_after_enrolment_the_page_counts_the_recovery_codes_left_in_french(browser, user):
    browser.get(reverse("mfa-totp-setup"))
    first = browser.post(
        reverse("mfa-totp-setup"), {"code": totp_code(TOTPDevice.objects.get(user=user))}, headers=FRENCH
    )

    page = browser.get(reverse("mfa-settings"), headers=FRENCH).content.decode()

    assert "Votre application d&#x27;authentification est configurée." in first.content.decode()  # the view's
    assert "Il vous reste 10 codes de récupération inutilisés." in page
    assert '<span class="status verified">configurée</span>' in page


def test_a_wrong_enrolment_code_is_refused_in_french(browser):
    browser.get(reverse("mfa-totp-setup"))

    response = browser.post(reverse("mfa-totp-setup"), {"code": "000000"}, headers=FRENCH)

    assert response.status_code == 400
    # A message from the view, escaped like any variable.
    assert "Ce code est incorrect. Vérifiez l&#x27;application et réessayez." in response.content.decode()
