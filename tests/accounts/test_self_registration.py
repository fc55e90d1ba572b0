"""Self-registration: off by default; when on, a new account is signed in and mailed a verification link."""

from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import User, UserSession
from tests.flows import authorize_params, pkce_pair
from tests.idp import set_idp

pytestmark = pytest.mark.django_db
NEW_ACCOUNT = {
    "username": "carol",
    "email": "carol@example.test",
    "password1": "a-long-and-unusual-passphrase-7",
    "password2": "a-long-and-unusual-passphrase-7",
}


@pytest.fixture
def registration_on(settings):
    set_idp(settings, SELF_REGISTRATION=True)
    settings.OAUTH2_PROVIDER = {**settings.OAUTH2_PROVIDER, "OIDC_RP_INITIATED_REGISTRATION_ENABLED": True}


def test_it_is_off_by_default(client):
    assert client.get(reverse("register")).status_code == 404
    assert client.post(reverse("register"), NEW_ACCOUNT).status_code == 404
    assert not User.objects.filter(username="carol").exists()


def test_a_new_account_is_signed_in_and_mailed_a_verification_link(client, registration_on):
    response = client.post(reverse("register"), NEW_ACCOUNT)

    assert response["Location"] == reverse("email-verification-sent")
    carol = User.objects.get(username="carol")
    assert (carol.email, carol.email_verified) == ("carol@example.test", False)
    assert UserSession.objects.live().filter(user=carol).exists()
    [message] = mail.outbox
    assert message.to == ["carol@example.test"]
    assert "/accounts/email/verify/" in message.body


def test_weak_passwords_and_taken_usernames_are_refused(client, user, registration_on):
    weak = client.post(reverse("register"), {**NEW_ACCOUNT, "password1": "123", "password2": "123"})
    taken = client.post(reverse("register"), {**NEW_ACCOUNT, "username": user.username})

    assert weak.status_code == taken.status_code == 200
    assert User.objects.filter(email="carol@example.test").count() == 0


def test_prompt_create_sends_a_signed_out_user_to_registration_and_back(client, web_app, registration_on):
    _, challenge = pkce_pair()
    params = authorize_params(web_app, challenge=challenge, prompt="create")

    response = client.get(reverse("oauth2_provider:authorize"), params)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("register") + "?next=")
    page = client.get(response["Location"])
    back = client.post(response["Location"], {**NEW_ACCOUNT, "next": page.context["next"]})
    assert urlsplit(back["Location"]).path == reverse("oauth2_provider:authorize")
    assert "prompt=create" not in back["Location"]
