"""Deny on the provider's consent page: the web client says so in words, with no token and no stack trace."""

import pytest
from playwright.sync_api import expect

from tests.browser.pages import sign_in, start_login_at_webclient, webclient_path

pytestmark = pytest.mark.browser


def test_deny_on_consent_shows_a_readable_access_denied_page(page, alice, web_client_app, webclient_url):
    start_login_at_webclient(page, webclient_url)
    sign_in(page, "alice")
    page.get_by_role("button", name="Deny").click()

    expect(page).to_have_url(webclient_path(webclient_url, "/callback"))
    expect(page.get_by_role("heading", name="Access was not allowed")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("You chose not to allow this application")
    expect(page.get_by_role("alert")).to_contain_text("access_denied")
    expect(page.get_by_text("Traceback")).to_have_count(0)
    # Nobody is signed in: the home page offers to log in again.
    page.goto(f"{webclient_url}/")
    expect(page.get_by_role("button", name="Log in with Django IdP")).to_be_visible()
