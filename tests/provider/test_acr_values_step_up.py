"""A relying party asks for a second factor with acr_values; OIDC Core §3.1.2.6 errors when it cannot be met."""

import pytest
from django.urls import reverse

from provider.acr import ACR_MFA, ACR_PAPE_MFA
from tests.factories import PasskeyFactory, TotpDeviceFactory
from tests.flows import authorize_params, pkce_pair, redirect_query
from tests.mfa import second_factor, totp_code
from tests.passkeys import SoftAuthenticator, second_factor_with_passkey

pytestmark = pytest.mark.django_db


def authorize(browser, app, **extra):
    _, challenge = pkce_pair()
    return browser.get(reverse("oauth2_provider:authorize"), authorize_params(app, challenge=challenge, **extra))


def test_discovery_lists_the_acr_values_and_the_acr_and_amr_claims(client):
    document = client.get(reverse("oauth2_provider:oidc-connect-discovery-info")).json()

    assert ACR_MFA in document["acr_values_supported"]
    assert {"acr", "amr"} <= set(document["claims_supported"])


def test_a_password_session_asked_for_mfa_is_sent_to_the_code_page_and_back(browser, user, web_app):
    device = TotpDeviceFactory(user=user)

    response = authorize(browser, web_app, acr_values=ACR_MFA)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa-verify"))
    next_url = response.wsgi_request.get_full_path()
    back = second_factor(browser, totp_code(device), next_url=next_url)
    assert back["Location"] == next_url
    assert browser.get(next_url).status_code == 200  # the consent page, now


def test_a_password_session_asked_for_mfa_can_step_up_with_a_passkey(browser, user, web_app):
    authenticator = SoftAuthenticator()
    PasskeyFactory(user=user, authenticator=authenticator)

    response = authorize(browser, web_app, acr_values=ACR_MFA)

    assert response["Location"].startswith(reverse("mfa-verify"))
    next_url = response.wsgi_request.get_full_path()
    back = second_factor_with_passkey(browser, authenticator, next_url=next_url)
    assert back["Location"] == next_url
    assert browser.get(next_url).status_code == 200  # the consent page, now


def test_the_pape_multi_factor_uri_asks_for_the_same(browser, user, web_app):
    TotpDeviceFactory(user=user)

    response = authorize(browser, web_app, acr_values=ACR_PAPE_MFA)

    assert response["Location"].startswith(reverse("mfa-verify"))


def test_an_unknown_acr_value_is_voluntary_and_ignored(browser, web_app):
    assert authorize(browser, web_app, acr_values="urn:example:unknown").status_code == 200


def test_a_user_without_a_second_factor_is_sent_to_enrol_one(browser, web_app):
    response = authorize(browser, web_app, acr_values=ACR_MFA)

    assert response["Location"].startswith(reverse("mfa-settings"))


def test_prompt_none_with_a_second_factor_enrolled_gets_login_required(browser, user, web_app):
    TotpDeviceFactory(user=user)

    response = authorize(browser, web_app, acr_values=ACR_MFA, prompt="none")

    assert redirect_query(response)["error"] == "login_required"


def test_prompt_none_without_a_second_factor_gets_interaction_required(browser, web_app):
    response = authorize(browser, web_app, acr_values=ACR_MFA, prompt="none")

    assert redirect_query(response)["error"] == "interaction_required"
    assert redirect_query(response)["state"] == "state-123"
