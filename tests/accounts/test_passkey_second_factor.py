"""A passkey as the second factor after the password (and for a step-up): only the user's own, counter moving on."""

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse

from accounts.mfa.models import Passkey
from audit.models import AuditEvent
from provider.authentication import AMR_SESSION_KEY
from tests.factories import PasskeyFactory
from tests.mfa import sign_in_with_password
from tests.passkeys import SoftAuthenticator, second_factor_options, second_factor_with_passkey

pytestmark = pytest.mark.django_db


@pytest.fixture
def authenticator() -> SoftAuthenticator:
    return SoftAuthenticator(sign_count=10)


@pytest.fixture
def passkey(user, authenticator) -> Passkey:
    return PasskeyFactory(user=user, authenticator=authenticator)


def test_the_password_leads_to_the_second_factor_page_offering_the_passkey(client, passkey):
    response = sign_in_with_password(client, "alice")

    assert response["Location"].startswith(reverse("mfa-verify"))
    page = client.get(response["Location"])
    assert page.context["has_passkey"]
    assert b'id="passkey-verify"' in page.content


def test_the_options_list_only_the_pending_users_passkeys(client, passkey, other_user):
    PasskeyFactory(user=other_user)
    sign_in_with_password(client, "alice")

    options = second_factor_options(client)

    assert [credential["id"] for credential in options["allowCredentials"]] == [passkey.credential_id]
    assert options["userVerification"] == "preferred"
    assert options["rpId"] == "testserver"


def test_the_options_need_a_password_first(passkey):
    response = Client().post(reverse("passkey-auth-options"))

    assert response.status_code == 403
    assert response.json()["error"]


def test_a_user_verifying_passkey_signs_in_with_pwd_hwk_user_and_mfa(client, user, passkey, authenticator):
    sign_in_with_password(client, "alice")

    response = second_factor_with_passkey(client, authenticator, next_url="/accounts/apps/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/apps/"
    assert client.session[SESSION_KEY] == str(user.pk)
    assert client.session[AMR_SESSION_KEY] == ["hwk", "mfa", "pwd", "user"]


def test_a_passkey_without_user_verification_is_still_a_second_factor_without_user(client, passkey, authenticator):
    sign_in_with_password(client, "alice")

    second_factor_with_passkey(client, authenticator, user_verified=False)

    assert client.session[AMR_SESSION_KEY] == ["hwk", "mfa", "pwd"]


def test_the_counter_and_last_use_are_stored(client, passkey, authenticator):
    sign_in_with_password(client, "alice")

    second_factor_with_passkey(client, authenticator)

    passkey.refresh_from_db()
    assert passkey.sign_count == 11
    assert passkey.last_used_at is not None


def test_a_counter_going_backwards_is_refused_and_audited_as_a_possible_clone(client, passkey, authenticator):
    sign_in_with_password(client, "alice")

    response = second_factor_with_passkey(client, authenticator, sign_count=9)

    assert response.status_code == 400
    assert SESSION_KEY not in client.session
    event = AuditEvent.objects.get(event=AuditEvent.Event.MFA_PASSKEY_COUNTER_REGRESSED)
    assert event.details == {"passkey": passkey.pk, "stored": 10, "received": 9}
    passkey.refresh_from_db()
    assert passkey.sign_count == 10


def test_a_counter_standing_still_is_refused(client, passkey, authenticator):
    sign_in_with_password(client, "alice")

    response = second_factor_with_passkey(client, authenticator, sign_count=10)

    assert response.status_code == 400


def test_an_authenticator_that_never_counts_is_accepted_each_time(client, user):
    authenticator = SoftAuthenticator(sign_count=0)
    PasskeyFactory(user=user, authenticator=authenticator)
    for _ in range(2):
        sign_in_with_password(client, "alice")

        response = second_factor_with_passkey(client, authenticator, sign_count=0)

        assert response.status_code == 302
        client.post(reverse("logout"))


def test_another_users_passkey_is_refused(client, passkey, other_user):
    theirs = SoftAuthenticator()
    PasskeyFactory(user=other_user, authenticator=theirs)
    sign_in_with_password(client, "alice")
    options = second_factor_options(client)

    response = client.post(reverse("mfa-verify"), {"credential": theirs.get(options)})

    assert response.status_code == 400
    assert SESSION_KEY not in client.session


def test_a_removed_passkey_is_refused(client, passkey, authenticator):
    sign_in_with_password(client, "alice")
    options = second_factor_options(client)
    passkey.delete()

    response = client.post(reverse("mfa-verify"), {"credential": authenticator.get(options)})

    assert response.status_code == 400
    assert SESSION_KEY not in client.session


def test_a_challenge_is_answered_once(client, passkey, authenticator):
    sign_in_with_password(client, "alice")
    credential = authenticator.get(second_factor_options(client))
    client.post(reverse("mfa-verify"), {"credential": credential})
    client.post(reverse("logout"))
    sign_in_with_password(client, "alice")

    response = client.post(reverse("mfa-verify"), {"credential": credential})

    assert response.status_code == 400
    assert SESSION_KEY not in client.session


def test_an_answer_from_another_origin_is_refused(client, passkey, authenticator):
    sign_in_with_password(client, "alice")

    response = second_factor_with_passkey(client, authenticator, origin="https://evil.example")

    assert response.status_code == 400
    assert SESSION_KEY not in client.session


def test_an_answer_for_another_rp_id_is_refused(client, passkey, authenticator):
    sign_in_with_password(client, "alice")

    response = second_factor_with_passkey(client, authenticator, rp_id="evil.example")

    assert response.status_code == 400
    assert SESSION_KEY not in client.session


def test_a_signature_by_another_key_is_refused(client, user, passkey, authenticator):
    impostor = SoftAuthenticator(credential_id=authenticator.credential_id, user_handle=authenticator.user_handle)
    sign_in_with_password(client, "alice")

    response = second_factor_with_passkey(client, impostor, sign_count=11)

    assert response.status_code == 400


def test_refused_passkeys_count_like_wrong_codes_until_the_user_is_paused(client, passkey, authenticator):
    sign_in_with_password(client, "alice")
    for _ in range(5):
        second_factor_with_passkey(client, authenticator, origin="https://evil.example")

    options = client.post(reverse("passkey-auth-options"))
    answer = client.post(reverse("mfa-verify"), {"credential": "{}"})

    assert options.status_code == 429
    assert int(options["Retry-After"]) > 0
    assert answer.status_code == 429


def test_a_signed_in_user_steps_up_with_a_passkey(browser, user, passkey, authenticator):
    response = second_factor_with_passkey(browser, authenticator)

    assert response.status_code == 302
    assert browser.session[AMR_SESSION_KEY] == ["hwk", "mfa", "pwd", "user"]
