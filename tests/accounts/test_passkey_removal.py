"""Removing a passkey: the password again (or a second factor within minutes), only one's own, audited."""

import pytest
from django.urls import reverse

from accounts.mfa.models import Passkey, RecoveryCode
from accounts.mfa.recovery_codes import recovery_codes_generate
from audit.models import AuditEvent
from tests.factories import USER_PASSWORD, PasskeyFactory, TotpDeviceFactory
from tests.mfa import sign_in_with_password
from tests.passkeys import SoftAuthenticator, second_factor_with_passkey

pytestmark = pytest.mark.django_db


@pytest.fixture
def passkey(user) -> Passkey:
    return PasskeyFactory(user=user, name="Work laptop")


def remove(http, passkey: Passkey, password: str | None = USER_PASSWORD):
    data = {} if password is None else {"password": password}
    return http.post(reverse("passkey-remove", args=[passkey.pk]), data)


def test_the_mfa_page_lists_the_passkeys_with_a_password_to_remove_them(browser, passkey):
    response = browser.get(reverse("mfa-settings"))

    assert list(response.context["passkeys"]) == [passkey]
    assert response.context["removal_needs_password"]
    assert b"Work laptop" in response.content


def test_the_right_password_removes_the_passkey_and_is_audited(browser, user, passkey):
    response = remove(browser, passkey)

    assert response.status_code == 302
    assert not Passkey.objects.filter(pk=passkey.pk).exists()
    event = AuditEvent.objects.get(event=AuditEvent.Event.MFA_PASSKEY_REMOVED)
    assert event.user == user
    assert event.details == {"passkey": passkey.pk, "name": "Work laptop"}


def test_a_wrong_password_keeps_the_passkey(browser, passkey):
    response = remove(browser, passkey, password="not-the-password")

    assert response.status_code == 400
    assert Passkey.objects.filter(pk=passkey.pk).exists()


def test_no_password_keeps_the_passkey(browser, passkey):
    response = remove(browser, passkey, password=None)

    assert response.status_code == 400
    assert Passkey.objects.filter(pk=passkey.pk).exists()


def test_wrong_passwords_pause_removal_like_wrong_codes(browser, passkey):
    for _ in range(5):
        remove(browser, passkey, password="not-the-password")

    response = remove(browser, passkey)

    assert response.status_code == 429
    assert Passkey.objects.filter(pk=passkey.pk).exists()


def test_a_second_factor_just_given_stands_in_for_the_password(client, user):
    authenticator = SoftAuthenticator()
    passkey = PasskeyFactory(user=user, authenticator=authenticator)
    other = PasskeyFactory(user=user)
    sign_in_with_password(client, "alice")
    second_factor_with_passkey(client, authenticator)

    assert not client.get(reverse("mfa-settings")).context["removal_needs_password"]
    response = remove(client, other, password=None)

    assert response.status_code == 302
    assert list(Passkey.objects.filter(user=user)) == [passkey]


def test_another_users_passkey_is_not_removed(browser, other_user):
    theirs = PasskeyFactory(user=other_user)

    response = remove(browser, theirs)

    assert response.status_code == 302
    assert Passkey.objects.filter(pk=theirs.pk).exists()
    assert not AuditEvent.objects.filter(event=AuditEvent.Event.MFA_PASSKEY_REMOVED).exists()


def test_removing_the_last_second_factor_removes_the_recovery_codes(browser, user, passkey):
    recovery_codes_generate(user=user)

    remove(browser, passkey)

    assert not RecoveryCode.objects.filter(user=user).exists()


def test_the_recovery_codes_stay_while_an_authenticator_app_is_left(browser, user, passkey):
    TotpDeviceFactory(user=user)
    recovery_codes_generate(user=user)

    remove(browser, passkey)

    assert RecoveryCode.objects.filter(user=user).count() == 10
