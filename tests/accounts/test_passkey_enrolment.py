"""Adding a passkey on the MFA page: options from the server, the browser's answer verified, the key stored."""

import time

import pytest
from django.test import override_settings
from django.urls import reverse

from accounts.mfa.models import Passkey, RecoveryCode
from accounts.mfa.passkeys import CEREMONY_SECONDS, CHALLENGE_SESSION_KEY, REGISTRATION
from audit.models import AuditEvent
from provider.authentication import AMR_SESSION_KEY
from tests.factories import PasskeyFactory
from tests.passkeys import SoftAuthenticator, register, registration_options

pytestmark = pytest.mark.django_db


def test_the_options_name_this_site_and_the_user_and_prefer_user_verification_without_attestation(browser, user):
    options = registration_options(browser)

    assert options["rp"] == {"id": "testserver", "name": "Django IdP"}
    assert options["user"]["name"] == "alice"
    assert options["attestation"] == "none"
    assert options["authenticatorSelection"]["userVerification"] == "preferred"
    assert options["authenticatorSelection"]["residentKey"] == "preferred"
    assert options["challenge"] == browser.session[CHALLENGE_SESSION_KEY][REGISTRATION]["challenge"]


def test_the_options_exclude_the_users_existing_passkeys_with_their_transports(browser, user):
    existing = PasskeyFactory(user=user, transports=["usb", "nfc"])

    options = registration_options(browser)

    assert options["excludeCredentials"] == [
        {"id": existing.credential_id, "type": "public-key", "transports": ["usb", "nfc"]}
    ]


def test_the_users_passkeys_share_one_random_user_handle(browser, user):
    existing = PasskeyFactory(user=user)

    options = registration_options(browser)

    assert options["user"]["id"] == existing.user_handle
    assert options["user"]["id"] != str(user.pk)


@override_settings(IDP={"WEBAUTHN_RP_ID": "example.test"})
def test_the_rp_id_comes_from_the_setting_when_it_is_set(browser):
    assert registration_options(browser)["rp"]["id"] == "example.test"


def test_a_verified_answer_stores_the_public_key_counter_transports_name_and_user_handle(browser, user):
    authenticator = SoftAuthenticator(sign_count=7)
    options = registration_options(browser)

    response = browser.post(
        reverse("passkey-register"), {"credential": authenticator.create(options), "name": "Work laptop"}
    )

    assert response.status_code == 200  # the first factor: the recovery codes page
    passkey = Passkey.objects.get(user=user)
    assert passkey.name == "Work laptop"
    assert passkey.credential_id == authenticator.credential_id_b64
    assert bytes(passkey.public_key) == authenticator.cose_public_key
    assert passkey.sign_count == 7
    assert passkey.transports == ["internal", "hybrid"]
    assert passkey.user_handle == options["user"]["id"]


def test_the_first_passkey_brings_recovery_codes_shown_once(browser, user):
    response = register(browser, SoftAuthenticator())

    assert len(response.context["codes"]) == 10
    assert RecoveryCode.objects.filter(user=user).count() == 10


def test_a_later_passkey_goes_back_to_the_mfa_page(browser, user):
    register(browser, SoftAuthenticator())

    response = register(browser, SoftAuthenticator(), name="Phone")

    assert response.status_code == 302
    assert response["Location"] == reverse("mfa-settings")
    assert Passkey.objects.filter(user=user).count() == 2


def test_adding_a_passkey_is_audited(browser, user):
    register(browser, SoftAuthenticator(), name="Work laptop")

    event = AuditEvent.objects.get(event=AuditEvent.Event.MFA_PASSKEY_ADDED)
    assert event.user == user
    assert event.details["name"] == "Work laptop"


def test_adding_a_user_verifying_passkey_counts_as_a_second_factor_for_the_session(browser):
    register(browser, SoftAuthenticator())

    assert browser.session[AMR_SESSION_KEY] == ["hwk", "mfa", "pwd", "user"]


def test_an_answer_from_another_origin_is_refused(browser, user):
    response = register(browser, SoftAuthenticator(), origin="https://evil.example")

    assert response.status_code == 400
    assert not Passkey.objects.filter(user=user).exists()


def test_an_answer_for_another_rp_id_is_refused(browser, user):
    response = register(browser, SoftAuthenticator(), rp_id="evil.example")

    assert response.status_code == 400
    assert not Passkey.objects.filter(user=user).exists()


def test_a_challenge_is_answered_once(browser, user):
    authenticator = SoftAuthenticator()
    credential = authenticator.create(registration_options(browser))
    browser.post(reverse("passkey-register"), {"credential": credential, "name": "Laptop"})
    Passkey.objects.all().delete()

    response = browser.post(reverse("passkey-register"), {"credential": credential, "name": "Laptop"})

    assert response.status_code == 400
    assert not Passkey.objects.exists()


def test_an_answer_signing_another_challenge_is_refused(browser, user):
    response = register(browser, SoftAuthenticator(), challenge="bm90LXRoZS1jaGFsbGVuZ2U")

    assert response.status_code == 400


def test_a_challenge_older_than_the_ceremony_is_refused(browser, user):
    authenticator = SoftAuthenticator()
    credential = authenticator.create(registration_options(browser))
    session = browser.session
    session[CHALLENGE_SESSION_KEY][REGISTRATION]["at"] = time.time() - CEREMONY_SECONDS - 1
    session.save()

    response = browser.post(reverse("passkey-register"), {"credential": credential, "name": "Laptop"})

    assert response.status_code == 400
    assert "expired" in response.context["passkey_error"]


def test_a_credential_already_registered_by_someone_is_not_taken_over(browser, user, other_user):
    authenticator = SoftAuthenticator()
    PasskeyFactory(user=other_user, authenticator=authenticator)

    response = register(browser, authenticator)

    assert response.status_code == 400
    assert Passkey.objects.get().user == other_user


def test_a_malformed_answer_is_refused_with_a_readable_error(browser, user):
    registration_options(browser)

    response = browser.post(reverse("passkey-register"), {"credential": "{not json", "name": "Laptop"})

    assert response.status_code == 400
    assert response.context["passkey_error"]


def test_the_options_need_a_signed_in_user(client):
    response = client.post(reverse("passkey-register-options"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
