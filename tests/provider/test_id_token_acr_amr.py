"""The ID token says how the user signed in: amr (RFC 8176), acr (provider.acr) and the exact auth_time."""

import pytest
from django.test import Client
from django.urls import reverse

from provider.acr import ACR_MFA, ACR_PASSWORD
from provider.authentication import AUTH_TIME_SESSION_KEY
from tests.factories import PasskeyFactory, TotpDeviceFactory
from tests.flows import tokens_for
from tests.mfa import second_factor, sign_in_with_password, totp_code
from tests.passkeys import SoftAuthenticator, second_factor_with_passkey, sign_in_with_passkey
from tests.provider.test_auth_time import claims_of
from tests.tokens.probes import refresh

pytestmark = pytest.mark.django_db


def test_a_password_sign_in_gives_amr_pwd_and_the_password_acr(client, user, web_app):
    browser = Client()
    sign_in_with_password(browser, "alice")

    claims = claims_of(tokens_for(browser, client, web_app)["id_token"])

    assert claims["amr"] == ["pwd"]
    assert claims["acr"] == ACR_PASSWORD
    assert claims["auth_time"] == int(browser.session[AUTH_TIME_SESSION_KEY])


def test_a_sign_in_with_a_code_gives_amr_pwd_otp_mfa_and_the_mfa_acr(client, user, web_app):
    device = TotpDeviceFactory(user=user)
    browser = Client()
    sign_in_with_password(browser, "alice")
    second_factor(browser, totp_code(device))

    claims = claims_of(tokens_for(browser, client, web_app)["id_token"])

    assert claims["amr"] == ["mfa", "otp", "pwd"]
    assert claims["acr"] == ACR_MFA
    assert claims["auth_time"] == int(browser.session[AUTH_TIME_SESSION_KEY])


def test_a_password_and_a_user_verifying_passkey_give_amr_hwk_mfa_pwd_user_and_the_mfa_acr(client, user, web_app):
    authenticator = SoftAuthenticator()
    PasskeyFactory(user=user, authenticator=authenticator)
    browser = Client()
    sign_in_with_password(browser, "alice")
    second_factor_with_passkey(browser, authenticator)

    claims = claims_of(tokens_for(browser, client, web_app)["id_token"])

    assert claims["amr"] == ["hwk", "mfa", "pwd", "user"]
    assert claims["acr"] == ACR_MFA


def test_a_passkey_alone_gives_amr_hwk_mfa_user_and_the_mfa_acr(client, user, web_app):
    authenticator = SoftAuthenticator()
    PasskeyFactory(user=user, authenticator=authenticator)
    browser = Client()
    sign_in_with_passkey(browser, authenticator)

    claims = claims_of(tokens_for(browser, client, web_app)["id_token"])

    assert claims["amr"] == ["hwk", "mfa", "user"]
    assert claims["acr"] == ACR_MFA
    assert claims["auth_time"] == int(browser.session[AUTH_TIME_SESSION_KEY])


def test_a_step_up_moves_auth_time_and_adds_mfa(client, browser, user, web_app):
    device = TotpDeviceFactory(user=user)
    before = browser.session[AUTH_TIME_SESSION_KEY]

    second_factor(browser, totp_code(device))

    claims = claims_of(tokens_for(browser, client, web_app, acr_values=ACR_MFA)["id_token"])
    assert claims["acr"] == ACR_MFA
    assert browser.session[AUTH_TIME_SESSION_KEY] >= before
    assert claims["auth_time"] == int(browser.session[AUTH_TIME_SESSION_KEY])


def test_a_refreshed_id_token_keeps_acr_and_amr(client, user, web_app):
    device = TotpDeviceFactory(user=user)
    browser = Client()
    sign_in_with_password(browser, "alice")
    second_factor(browser, totp_code(device))
    tokens = tokens_for(browser, client, web_app)

    refreshed = claims_of(refresh(client, web_app, tokens["refresh_token"]).json()["id_token"])

    assert refreshed["amr"] == ["mfa", "otp", "pwd"]
    assert refreshed["acr"] == ACR_MFA


def test_the_code_page_is_reachable_for_the_step_up_only_when_signed_in(client):
    assert client.get(reverse("mfa-verify"))["Location"].startswith(reverse("login"))
