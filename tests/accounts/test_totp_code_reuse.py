"""A TOTP code is never accepted twice, not even within its own 30 seconds (django-otp's last time step)."""

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client

from tests.factories import TotpDeviceFactory
from tests.mfa import next_step_code, second_factor, sign_in_with_password, totp_code

pytestmark = pytest.mark.django_db


def test_a_code_used_to_sign_in_is_refused_the_second_time(user):
    device = TotpDeviceFactory(user=user)
    code = totp_code(device)
    first, second = Client(), Client()
    sign_in_with_password(first, "alice")
    sign_in_with_password(second, "alice")

    assert second_factor(first, code).status_code == 302
    response = second_factor(second, code)

    assert response.status_code == 400
    assert SESSION_KEY not in second.session


def test_an_older_code_is_refused_once_a_newer_one_was_used(user):
    device = TotpDeviceFactory(user=user)
    old = totp_code(device)
    first, second = Client(), Client()
    sign_in_with_password(first, "alice")
    sign_in_with_password(second, "alice")

    assert second_factor(first, next_step_code(device)).status_code == 302

    assert second_factor(second, old).status_code == 400
