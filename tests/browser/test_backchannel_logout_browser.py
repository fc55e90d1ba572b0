"""Signing out at the provider ends the demo web client's session too, server to server (Back-Channel Logout)."""

import time

import pytest
from playwright.sync_api import Page, expect

from tests.browser.pages import sign_in, start_login_at_webclient

pytestmark = pytest.mark.browser
# The notice goes out from a worker thread after the sign-out commits; a few seconds is plenty on a laptop.
DELIVERY_WAIT_SECONDS = 15


@pytest.fixture(autouse=True)
def _delivery_as_in_development(settings):
    settings.IDP = {**settings.IDP, "BACKCHANNEL_LOGOUT_IN_BACKGROUND": True, "OUTBOUND_ALLOW_PRIVATE_ADDRESSES": True}


def signed_out_at_webclient(page: Page, webclient_url: str) -> bool:
    """Reload the web client until it shows its log-in button (its session dropped) or the wait runs out."""
    deadline = time.monotonic() + DELIVERY_WAIT_SECONDS
    while time.monotonic() < deadline:
        page.goto(f"{webclient_url}/")
        if page.get_by_role("button", name="Log in with Django IdP").count():
            return True
        time.sleep(0.2)
    return False


def test_signing_out_at_the_provider_logs_the_user_out_of_the_web_client(
    page, provider_url, alice, web_client_app, webclient_url
):
    web_client_app.backchannel_logout_uri = f"{webclient_url}/backchannel-logout"
    web_client_app.save()
    start_login_at_webclient(page, webclient_url)
    sign_in(page, "alice")
    page.get_by_role("button", name="Allow").click()
    expect(page.get_by_role("heading", name="Logged in as alice")).to_be_visible()

    page.goto(f"{provider_url}/")
    page.get_by_role("button", name="Sign out").click()

    assert signed_out_at_webclient(page, webclient_url)
