"""Removing the authenticator app asks for the password again (or a second factor within minutes), as for a passkey."""

import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import USER_PASSWORD, TotpDeviceFactory
from tests.mfa import second_factor, sign_in_with_password, totp_code

pytestmark = pytest.mark.django_db


def remove(http, password: str | None = USER_PASSWORD):
    return http.post(reverse("mfa-totp-remove"), {} if password is None else {"password": password})


def test_the_mfa_page_asks_for_the_password_to_remove_the_app(browser, user):
    TotpDeviceFactory(user=user)

    response = browser.get(reverse("mfa-settings"))

    assert response.context["removal_needs_password"]
    assert b'id="id_password_totp"' in response.content


def test_the_right_password_removes_the_app(browser, user):
    TotpDeviceFactory(user=user)

    response = remove(browser)

    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=user, confirmed=True).exists()


@pytest.mark.parametrize("password", ["not-the-password", None], ids=["wrong password", "no password"])
def test_without_the_right_password_the_app_stays(browser, user, password):
    TotpDeviceFactory(user=user)

    response = remove(browser, password=password)

    assert response.status_code == 400
    assert "That password is not right. Nothing was removed." in response.content.decode()
    assert TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def test_wrong_passwords_pause_removal_like_wrong_codes(browser, user):
    TotpDeviceFactory(user=user)
    for _ in range(5):
        remove(browser, password="not-the-password")

    response = remove(browser)

    assert response.status_code == 429
    assert TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def test_a_code_just_given_stands_in_for_the_password(client, user):
    device = TotpDeviceFactory(user=user)
    sign_in_with_password(client, user.username)
    second_factor(client, totp_code(device))

    response = remove(client, password=None)

    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=user, confirmed=True).exists()
