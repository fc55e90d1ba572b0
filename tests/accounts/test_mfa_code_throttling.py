"""Wrong second-factor codes are throttled per user and per address, and the right code is refused meanwhile."""

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.models import AuditEvent
from tests.factories import TotpDeviceFactory, UserFactory
from tests.idp import set_idp
from tests.mfa import second_factor, sign_in_with_password, totp_code

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def small_limits(settings) -> None:
    set_idp(settings, MFA_MAX_FAILURES_PER_USER=3)
    set_idp(settings, MFA_MAX_FAILURES_PER_IP=10)
    set_idp(settings, MFA_FAILURE_WINDOW_SECONDS=900)
    # django-otp's per-device back-off would refuse quick retries on its own: off, to test ours alone.
    settings.OTP_TOTP_THROTTLE_FACTOR = 0


def wrong(device) -> str:
    return "000000" if totp_code(device) != "000000" else "111111"


def test_after_the_limit_even_the_right_code_is_refused_with_429_and_retry_after(client, user):
    device = TotpDeviceFactory(user=user)
    sign_in_with_password(client, "alice")
    for _ in range(3):
        assert second_factor(client, wrong(device)).status_code == 400

    response = second_factor(client, totp_code(device))

    assert response.status_code == 429
    assert response["Retry-After"] == "900"
    assert "Too many wrong codes. Try again in 15 minutes." in response.content.decode()
    assert SESSION_KEY not in client.session
    assert AuditEvent.objects.filter(
        event=AuditEvent.Event.THROTTLE_TRIGGERED, details__limit="mfa-code:user"
    ).exists()


def test_another_user_is_not_held_back_by_the_first_users_count(user):
    device = TotpDeviceFactory(user=user)
    other = TotpDeviceFactory(user=UserFactory(username="bob"))
    alice, bob = Client(), Client()
    sign_in_with_password(alice, "alice")
    for _ in range(3):
        second_factor(alice, wrong(device))

    sign_in_with_password(bob, "bob")

    assert second_factor(bob, totp_code(other)).status_code == 302


def test_the_devices_own_back_off_refuses_a_quick_retry(client, user, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 1
    device = TotpDeviceFactory(user=user)
    sign_in_with_password(client, "alice")
    second_factor(client, wrong(device))

    response = second_factor(client, totp_code(device))

    assert response.status_code == 400
    assert TOTPDevice.objects.get(pk=device.pk).throttling_failure_count == 1
