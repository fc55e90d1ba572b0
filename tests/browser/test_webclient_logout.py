"""Logging out of the web client ends the provider session too (OpenID Connect RP-initiated logout)."""

import pytest
from playwright.sync_api import expect

from tests.browser.pages import sign_in, start_login_at_webclient, webclient_path

pytestmark = pytest.mark.browser


def test_log_out_confirms_at_the_provider_and_returns_logged_out_everywhere(
    page, provider_url, alice, web_client_app, webclient_url
):
    start_login_at_webclient(page, webclient_url)
    sign_in(page, "alice")
    page.get_by_role("button", name="Allow").click()
    expect(page.get_by_role("heading", name="Logged in as alice")).to_be_visible()

    page.get_by_role("button", name="Log out").click()
    # The provider asks before ending its own session (OIDC_RP_INITIATED_LOGOUT_ALWAYS_PROMPT).
    assert page.url.startswith(f"{provider_url}/o/logout/?id_token_hint=")
    confirm = page.get_by_role("main")
    expect(confirm.get_by_role("heading")).to_contain_text("Demo web client asks you to sign out")
    confirm.get_by_role("button", name="Sign out").click()

    expect(page).to_have_url(webclient_path(webclient_url, "/"))
    expect(page.get_by_role("status")).to_have_text("You are logged out, here and at the provider.")
    expect(page.get_by_role("button", name="Log in with Django IdP")).to_be_visible()
    # The provider session is gone as well: the next log-in asks for the password again.
    start_login_at_webclient(page, webclient_url)
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
