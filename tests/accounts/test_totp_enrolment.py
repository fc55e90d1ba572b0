"""Enrolling an authenticator app: a QR code rendered here as SVG, confirmed by a first code, then recovery codes."""

import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.mfa.models import RecoveryCode
from provider.authentication import AMR_SESSION_KEY
from tests.mfa import totp_code

pytestmark = pytest.mark.django_db


def test_the_setup_page_shows_an_inline_svg_qr_code_and_the_key_but_enrols_nothing_yet(browser, user):
    response = browser.get(reverse("mfa-totp-setup"))

    assert response.status_code == 200
    assert b"<svg" in response.content
    assert not TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    device = TOTPDevice.objects.get(user=user)
    assert response.context["secret"].replace(" ", "")  # base32 key typed out for apps that cannot scan
    assert "otpauth://totp/" in device.config_url


def test_the_first_code_confirms_the_app_and_shows_ten_recovery_codes_once(browser, user):
    browser.get(reverse("mfa-totp-setup"))
    device = TOTPDevice.objects.get(user=user)

    response = browser.post(reverse("mfa-totp-setup"), {"code": totp_code(device)})

    assert response.status_code == 200
    device.refresh_from_db()
    assert device.confirmed
    codes = response.context["codes"]
    assert len(codes) == 10
    assert RecoveryCode.objects.filter(user=user).count() == 10
    stored = set(RecoveryCode.objects.filter(user=user).values_list("code_digest", flat=True))
    assert not stored & set(codes)  # only digests are kept
    assert response["Cache-Control"].startswith("max-age=0")


def test_a_wrong_first_code_leaves_the_app_unconfirmed(browser, user):
    browser.get(reverse("mfa-totp-setup"))

    response = browser.post(reverse("mfa-totp-setup"), {"code": "000000"})

    assert response.status_code == 400
    assert not TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def test_confirming_counts_as_a_second_factor_for_the_session(browser, user):
    browser.get(reverse("mfa-totp-setup"))
    device = TOTPDevice.objects.get(user=user)

    browser.post(reverse("mfa-totp-setup"), {"code": totp_code(device)})

    assert set(browser.session[AMR_SESSION_KEY]) == {"pwd", "otp", "mfa"}


def test_a_new_app_replaces_the_old_one(browser, user):
    for _ in range(2):
        browser.get(reverse("mfa-totp-setup"))
        device = TOTPDevice.objects.get(user=user, confirmed=False)
        browser.post(reverse("mfa-totp-setup"), {"code": totp_code(device)})

    assert TOTPDevice.objects.filter(user=user).count() == 1


def test_the_setup_page_needs_a_signed_in_user(client):
    response = client.get(reverse("mfa-totp-setup"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
