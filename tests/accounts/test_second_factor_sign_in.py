"""Sign-in with an authenticator app: the password alone signs nobody in who has a second factor."""

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse

from provider.authentication import AMR_SESSION_KEY
from tests.factories import TotpDeviceFactory
from tests.mfa import second_factor, sign_in_with_password, totp_code

pytestmark = pytest.mark.django_db


@pytest.fixture
def device(user):
    return TotpDeviceFactory(user=user)


def test_a_user_without_a_second_factor_is_signed_in_by_the_password(client, user):
    response = sign_in_with_password(client, "alice")

    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(user.pk)
    assert client.session[AMR_SESSION_KEY] == ["pwd"]


def test_the_right_password_leads_to_the_code_page_without_signing_in(client, device):
    response = sign_in_with_password(client, "alice", next_url="/accounts/apps/")

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa-verify"))
    assert SESSION_KEY not in client.session
    assert client.get(reverse("authorized-apps")).status_code == 302  # still signed out


def test_the_right_code_signs_in_with_password_and_otp_and_follows_next(client, user, device):
    sign_in_with_password(client, "alice")

    response = second_factor(client, totp_code(device), next_url="/accounts/apps/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/apps/"
    assert client.session[SESSION_KEY] == str(user.pk)
    assert client.session[AMR_SESSION_KEY] == ["mfa", "otp", "pwd"]


def test_a_wrong_code_does_not_sign_in(client, device):
    sign_in_with_password(client, "alice")

    response = second_factor(client, "123456" if totp_code(device) != "123456" else "654321")

    assert response.status_code == 400
    assert SESSION_KEY not in client.session


def test_the_code_page_without_a_password_first_sends_to_sign_in(device):
    response = Client().post(reverse("mfa-verify"), {"code": totp_code(device)})

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_next_pointing_elsewhere_is_ignored(client, device):
    sign_in_with_password(client, "alice")

    response = second_factor(client, totp_code(device), next_url="https://evil.example/")

    assert response["Location"] == reverse("home")
