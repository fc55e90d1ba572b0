"""In a real browser: the demo web client asks for a second factor (acr_values) and shows how the person signed in.

A session signed in with the password alone passes the provider's second-factor page (a step-up) before the
client gets its code; a user with no second factor is sent to set one up first. The provider requires what
``acr_values`` names (docs/mfa.md), and the client checks the ID token's ``acr`` itself all the same.
"""

from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import REPO_DIR
from tests.browser.pages import sign_in, start_login_at_webclient, webclient_path
from tests.factories import TotpDeviceFactory
from tests.mfa import AuthenticatorApp

pytestmark = pytest.mark.browser

SCREENSHOTS = REPO_DIR / "docs" / "screenshots"
MFA = "urn:idp:acr:mfa"
PASSWORD_ONLY = "urn:idp:acr:pwd"


def sign_in_at_webclient_with_password(page: Page, webclient_url: str) -> None:
    start_login_at_webclient(page, webclient_url)
    sign_in(page, "alice")
    page.get_by_role("button", name="Allow").click()
    expect(page.get_by_role("heading", name="Logged in as alice")).to_be_visible()


def amr(page: Page) -> list[str]:
    return page.locator("#sign-in-amr li").all_inner_texts()


def test_a_password_session_steps_up_with_a_code_and_the_client_shows_two_factors(
    page: Page, provider_url, alice, web_client_app, webclient_url
):
    sign_in_at_webclient_with_password(page, webclient_url)
    expect(page.locator("#sign-in-acr")).to_contain_text(PASSWORD_ONLY)
    assert amr(page) == ["pwd"]
    first_sign_in = page.locator("#sign-in-auth-time").inner_text()
    # Alice sets up an authenticator app elsewhere: this provider session still rests on her password alone.
    device = TotpDeviceFactory(user=alice)
    app = AuthenticatorApp(key=device.bin_key)

    page.get_by_role("button", name="Step up: sign in with a second factor").click()

    # Still signed in at the provider, so no password: only the code.
    expect(page.get_by_role("heading", name="Two-step sign-in")).to_be_visible()
    assert page.url.startswith(f"{provider_url}/accounts/login/verify/")
    back_to = urlsplit(parse_qs(urlsplit(page.url).query)["next"][0])
    assert back_to.path == "/o/authorize/"
    assert parse_qs(back_to.query)["acr_values"] == [MFA]
    page.get_by_label("Code", exact=True).fill(app.new_code())
    page.get_by_role("button", name="Verify").click()
    # The client receives its code on localhost, a loopback address: consent is asked every time (RFC 8252 §8.6).
    page.get_by_role("button", name="Allow").click()

    expect(page).to_have_url(webclient_path(webclient_url, "/"))
    expect(page.locator("#sign-in-acr")).to_contain_text(MFA)
    expect(page.locator("#sign-in-acr")).to_contain_text("two factors")
    assert sorted(amr(page)) == ["mfa", "otp", "pwd"]
    # A step-up is an authentication: auth_time moves (seconds resolution, so compare order, not inequality).
    assert page.locator("#sign-in-auth-time").inner_text() >= first_sign_in
    expect(page.get_by_role("button", name="Step up: sign in with a second factor")).to_have_count(0)
    page.locator(".panel").screenshot(path=SCREENSHOTS / "webclient-step-up.png")


def test_a_user_without_a_second_factor_is_asked_to_set_one_up_and_then_gets_back_to_the_client(
    page: Page, provider_url, alice, web_client_app, webclient_url
):
    sign_in_at_webclient_with_password(page, webclient_url)

    page.get_by_role("button", name="Step up: sign in with a second factor").click()

    # Her password session is not enough for this request, and she has no second factor: the way on is to set
    # one up (the provider requires what acr_values names; docs/mfa.md), and the page says why she is there.
    expect(page.get_by_role("heading", name="Two-step sign-in")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("asks you to sign in with a second factor")
    page.locator(".card").screenshot(path=SCREENSHOTS / "provider-mfa-asked-by-client.png")
    page.get_by_role("link", name="Set up an authenticator app").click()
    app = AuthenticatorApp.from_typed_key(page.locator("#totp-secret").inner_text())
    page.get_by_label("Code from the app").fill(app.new_code())
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("heading", name="Your recovery codes")).to_be_visible()
    page.get_by_role("link", name="I have saved them").click()
    page.get_by_role("button", name="Allow").click()

    expect(page).to_have_url(webclient_path(webclient_url, "/"))
    expect(page.locator("#sign-in-acr")).to_contain_text(MFA)
    assert sorted(amr(page)) == ["mfa", "otp", "pwd"]


def test_log_in_with_a_second_factor_sends_acr_values_and_the_code_follows_the_password(
    page: Page, provider_url, alice, web_client_app, webclient_url
):
    app = AuthenticatorApp(key=TotpDeviceFactory(user=alice).bin_key)
    page.goto(f"{webclient_url}/")

    page.get_by_role("button", name="Log in with a second factor").click()

    authorize = urlsplit(parse_qs(urlsplit(page.url).query)["next"][0])
    assert parse_qs(authorize.query)["acr_values"] == [MFA]
    sign_in(page, "alice")
    page.get_by_label("Code", exact=True).fill(app.new_code())
    page.get_by_role("button", name="Verify").click()
    page.get_by_role("button", name="Allow").click()
    expect(page.get_by_role("heading", name="Logged in as alice")).to_be_visible()
    expect(page.locator("#sign-in-acr")).to_contain_text(MFA)
