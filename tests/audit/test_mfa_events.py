"""Second factors in the audit trail: an app added or removed, recovery codes made or used; never a code."""

import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.mfa.recovery_codes import recovery_codes_generate
from audit.models import AuditEvent
from tests.factories import USER_PASSWORD, TotpDeviceFactory
from tests.mfa import next_step_code, second_factor, sign_in_with_password, totp_code

pytestmark = pytest.mark.django_db

Event = AuditEvent.Event


def enrol_app(browser) -> TOTPDevice:
    browser.get(reverse("mfa-totp-setup"))
    device = TOTPDevice.objects.get(confirmed=False)
    browser.post(reverse("mfa-totp-setup"), {"code": totp_code(device)}, HTTP_USER_AGENT="Firefox/1")
    return device


def test_adding_an_app_is_recorded_with_account_ip_and_user_agent(browser, user):
    enrol_app(browser)

    event = AuditEvent.objects.get(event=Event.MFA_TOTP_ADDED)
    assert (event.user, event.ip, event.user_agent) == (user, "127.0.0.1", "Firefox/1")
    assert event.details == {"replaced": False}


def test_the_first_set_of_recovery_codes_is_recorded_with_counts_only(browser, user):
    enrol_app(browser)

    event = AuditEvent.objects.get(event=Event.MFA_RECOVERY_CODES_GENERATED)
    assert event.user == user
    assert event.details == {"count": 10, "retired_unused": 0}


def test_replacing_the_app_says_so(browser, user):
    TotpDeviceFactory(user=user)

    enrol_app(browser)

    assert AuditEvent.objects.get(event=Event.MFA_TOTP_ADDED).details == {"replaced": True}


def test_a_wrong_first_code_records_no_new_app(browser, user):
    browser.get(reverse("mfa-totp-setup"))
    device = TOTPDevice.objects.get(user=user)

    right = {totp_code(device), next_step_code(device)}
    browser.post(reverse("mfa-totp-setup"), {"code": "000000" if "000000" not in right else "111111"})

    assert not AuditEvent.objects.filter(event=Event.MFA_TOTP_ADDED).exists()


def test_removing_the_app_is_recorded(browser, user):
    TotpDeviceFactory(user=user)

    browser.post(reverse("mfa-totp-remove"), {"password": USER_PASSWORD})

    assert AuditEvent.objects.filter(event=Event.MFA_TOTP_REMOVED, user=user).count() == 1


def test_removing_when_no_app_is_set_up_records_nothing(browser, user):
    browser.get(reverse("mfa-totp-setup"))  # a half-done enrolment is not an app

    browser.post(reverse("mfa-totp-remove"), {"password": USER_PASSWORD})

    assert not AuditEvent.objects.filter(event=Event.MFA_TOTP_REMOVED).exists()


def test_making_new_recovery_codes_records_how_many_unused_ones_were_retired(browser, user):
    TotpDeviceFactory(user=user)
    recovery_codes_generate(user=user)

    browser.post(reverse("mfa-recovery-codes"))

    latest = AuditEvent.objects.filter(event=Event.MFA_RECOVERY_CODES_GENERATED).first()
    assert latest.details == {"count": 10, "retired_unused": 10}
    assert AuditEvent.objects.filter(event=Event.MFA_RECOVERY_CODES_GENERATED).count() == 2


def test_signing_in_with_a_recovery_code_records_its_use_and_how_many_are_left(client, user):
    TotpDeviceFactory(user=user)
    codes = recovery_codes_generate(user=user)
    sign_in_with_password(client, "alice")

    second_factor(client, codes[3])

    event = AuditEvent.objects.get(event=Event.MFA_RECOVERY_CODE_USED)
    assert (event.user, event.ip) == (user, "127.0.0.1")
    assert event.details == {"left": 9}
    # The code itself, or anything derived from it, never reaches the trail.
    assert codes[3] not in str(event.details)
    assert AuditEvent.objects.filter(event=Event.LOGIN_SUCCEEDED, user=user).exists()


def test_a_refused_recovery_code_records_no_use(client, user):
    TotpDeviceFactory(user=user)
    codes = recovery_codes_generate(user=user)
    sign_in_with_password(client, "alice")
    second_factor(client, codes[0])
    client.post(reverse("logout"))
    sign_in_with_password(client, "alice")

    second_factor(client, codes[0])

    assert AuditEvent.objects.filter(event=Event.MFA_RECOVERY_CODE_USED).count() == 1
