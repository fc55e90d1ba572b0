"""In a real browser: "Sign in again" at the demo web client (max_age=0) asks for the password and the code anew.

The provider session is still there, yet the request's max_age=0 makes the provider sign the person in again
(OIDC Core §3.1.2.1), second factor included; the client checks the new ID token's auth_time itself.
"""

import pytest
from playwright.sync_api import Page, expect

from tests.browser.pages import sign_in, start_login_at_webclient, webclient_path
from tests.factories import TotpDeviceFactory
from tests.mfa import AuthenticatorApp

pytestmark = pytest.mark.browser


def enter_code(page: Page, code: str) -> None:
    expect(page.get_by_role("heading", name="Two-step sign-in")).to_be_visible()
    page.get_by_label("Code", exact=True).fill(code)
    page.get_by_role("button", name="Verify").click()


def test_sign_in_again_asks_for_password_and_code_though_the_provider_session_lives(
    page: Page, provider_url, alice, web_client_app, webclient_url
):
    app = AuthenticatorApp(key=TotpDeviceFactory(user=alice).bin_key)
    start_login_at_webclient(page, webclient_url)
    sign_in(page, "alice")
    enter_code(page, app.new_code())
    page.get_by_role("button", name="Allow").click()
    expect(page.get_by_role("heading", name="Logged in as alice")).to_be_visible()
    first_sign_in = page.locator("#sign-in-auth-time").inner_text()

    page.get_by_role("button", name="Sign in again").click()

    # Signed in at the provider all along, and still asked for the password, then the code.
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    assert page.url.startswith(f"{provider_url}/accounts/login/")
    sign_in(page, "alice")
    enter_code(page, app.new_code())
    page.get_by_role("button", name="Allow").click()

    expect(page).to_have_url(webclient_path(webclient_url, "/"))
    expect(page.get_by_role("heading", name="Logged in as alice")).to_be_visible()
    expect(page.locator("#sign-in-acr")).to_contain_text("urn:idp:acr:mfa")
    # Same-second sign-ins are possible: the order of the UTC timestamps, never a wait.
    assert page.locator("#sign-in-auth-time").inner_text() >= first_sign_in
