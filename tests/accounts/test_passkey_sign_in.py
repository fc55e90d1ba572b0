"""Signing in with a passkey alone: any discoverable passkey of this site, user verification required, throttled."""

import pytest
from django.contrib.auth import SESSION_KEY
from django.urls import reverse

from accounts.mfa.models import Passkey
from audit.models import AuditEvent
from provider.acr import ACR_MFA, acr_for
from provider.authentication import AMR_SESSION_KEY
from tests.factories import PasskeyFactory
from tests.mfa import sign_in_with_password
from tests.passkeys import SoftAuthenticator, from_b64url, sign_in_options, sign_in_with_passkey

pytestmark = pytest.mark.django_db


@pytest.fixture
def authenticator() -> SoftAuthenticator:
    return SoftAuthenticator(sign_count=3)


@pytest.fixture
def passkey(user, authenticator) -> Passkey:
    return PasskeyFactory(user=user, authenticator=authenticator)


def test_the_sign_in_page_offers_a_passkey_button(client):
    response = client.get(reverse("login"))

    assert b'id="passkey-sign-in"' in response.content
    assert b"js/passkeys.js" in response.content


def test_the_options_name_no_account_and_require_user_verification(client, passkey):
    options = sign_in_options(client)

    assert options["allowCredentials"] == []
    assert options["userVerification"] == "required"
    assert options["rpId"] == "testserver"


def test_a_user_verifying_passkey_signs_in_with_multiple_factors(client, user, passkey, authenticator):
    response = sign_in_with_passkey(client, authenticator, next_url="/accounts/apps/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/apps/"
    assert client.session[SESSION_KEY] == str(user.pk)
    assert client.session[AMR_SESSION_KEY] == ["hwk", "mfa", "user"]
    assert acr_for(client.session[AMR_SESSION_KEY]) == ACR_MFA


def test_the_sign_in_is_audited_as_a_sign_in(client, user, passkey, authenticator):
    sign_in_with_passkey(client, authenticator)

    assert AuditEvent.objects.filter(event=AuditEvent.Event.LOGIN_SUCCEEDED, user=user).exists()


def test_a_passkey_without_user_verification_does_not_sign_in(client, passkey, authenticator):
    response = sign_in_with_passkey(client, authenticator, user_verified=False)

    assert response.status_code == 400
    assert SESSION_KEY not in client.session
    assert response.context["passkey_error"]


def test_an_unknown_passkey_does_not_sign_in(client, passkey):
    response = sign_in_with_passkey(client, SoftAuthenticator())

    assert response.status_code == 400
    assert SESSION_KEY not in client.session


def test_a_removed_passkey_does_not_sign_in(client, passkey, authenticator):
    options = sign_in_options(client)
    passkey.delete()

    response = client.post(reverse("passkey-sign-in"), {"credential": authenticator.get(options)})

    assert response.status_code == 400
    assert SESSION_KEY not in client.session


def test_a_user_handle_of_another_account_is_refused(client, passkey, authenticator, other_user):
    theirs = PasskeyFactory(user=other_user)

    response = sign_in_with_passkey(client, authenticator, user_handle=from_b64url(theirs.user_handle))

    assert response.status_code == 400
    assert SESSION_KEY not in client.session


def test_a_deactivated_users_passkey_does_not_sign_in(client, user, passkey, authenticator):
    user.is_active = False
    user.save()

    response = sign_in_with_passkey(client, authenticator)

    assert response.status_code == 400
    assert SESSION_KEY not in client.session


def test_a_counter_going_backwards_is_refused_and_audited(client, passkey, authenticator):
    response = sign_in_with_passkey(client, authenticator, sign_count=1)

    assert response.status_code == 400
    assert SESSION_KEY not in client.session
    assert AuditEvent.objects.filter(event=AuditEvent.Event.MFA_PASSKEY_COUNTER_REGRESSED, user=passkey.user).exists()


def test_a_challenge_is_answered_once(client, passkey, authenticator):
    credential = authenticator.get(sign_in_options(client))
    client.post(reverse("passkey-sign-in"), {"credential": credential})
    client.post(reverse("logout"))

    response = client.post(reverse("passkey-sign-in"), {"credential": credential})

    assert response.status_code == 400
    assert SESSION_KEY not in client.session


def test_an_answer_to_the_sign_in_options_is_no_second_factor(client, passkey, authenticator):
    sign_in_with_password(client, "alice")
    options = sign_in_options(client)

    response = client.post(reverse("mfa-verify"), {"credential": authenticator.get(options)})

    assert response.status_code == 400
    assert SESSION_KEY not in client.session


def test_an_answer_from_another_origin_is_refused(client, passkey, authenticator):
    response = sign_in_with_passkey(client, authenticator, origin="https://evil.example")

    assert response.status_code == 400
    assert SESSION_KEY not in client.session


def test_an_answer_for_another_rp_id_is_refused(client, passkey, authenticator):
    response = sign_in_with_passkey(client, authenticator, rp_id="evil.example")

    assert response.status_code == 400
    assert SESSION_KEY not in client.session


def test_refused_passkeys_pause_the_address(client, passkey, authenticator):
    for _ in range(30):
        sign_in_with_passkey(client, SoftAuthenticator())

    options = client.post(reverse("passkey-sign-in-options"))
    answer = client.post(reverse("passkey-sign-in"), {"credential": "{}"})

    assert options.status_code == 429
    assert answer.status_code == 429
    assert int(answer["Retry-After"]) > 0


def test_next_pointing_elsewhere_is_ignored(client, passkey, authenticator):
    response = sign_in_with_passkey(client, authenticator, next_url="https://evil.example/")

    assert response["Location"] == reverse("home")
