"""Recovery codes: each signs in once in place of a TOTP code; a new set retires the old one."""

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse

from accounts.mfa.recovery_codes import recovery_codes_generate, recovery_codes_left
from tests.factories import TotpDeviceFactory
from tests.mfa import second_factor, sign_in_with_password

pytestmark = pytest.mark.django_db


@pytest.fixture
def codes(user) -> list[str]:
    TotpDeviceFactory(user=user)
    return recovery_codes_generate(user=user)


def test_a_recovery_code_signs_in_once(user, codes):
    first, second = Client(), Client()
    sign_in_with_password(first, "alice")
    sign_in_with_password(second, "alice")

    assert second_factor(first, codes[0]).status_code == 302
    assert first.session[SESSION_KEY] == str(user.pk)
    assert second_factor(second, codes[0]).status_code == 400
    assert SESSION_KEY not in second.session
    assert recovery_codes_left(user=user) == 9


def test_a_recovery_code_is_accepted_typed_in_capitals_and_without_dashes(client, codes):
    sign_in_with_password(client, "alice")

    assert second_factor(client, codes[1].replace("-", "").upper()).status_code == 302


def test_making_new_codes_retires_the_old_ones(browser, client, user, codes):
    response = browser.post(reverse("mfa-recovery-codes"))
    new_codes = response.context["codes"]
    sign_in_with_password(client, "alice")

    assert second_factor(client, codes[0]).status_code == 400
    assert second_factor(client, new_codes[0]).status_code == 302
    assert set(new_codes).isdisjoint(codes)
