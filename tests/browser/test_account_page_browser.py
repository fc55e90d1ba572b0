"""In a real browser: the account page lists where you are signed in, and signs another device out."""

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import REPO_DIR
from tests.browser.pages import sign_in

pytestmark = pytest.mark.browser

SCREENSHOTS = REPO_DIR / "docs" / "screenshots"


def test_signing_out_the_other_device_from_the_account_page(page: Page, chromium: Browser, provider_url, alice):
    other_device = chromium.new_context(user_agent="Phone browser").new_page()
    other_device.goto(f"{provider_url}/accounts/login/")
    sign_in(other_device, "alice")
    page.goto(f"{provider_url}/accounts/login/?next=/accounts/")
    sign_in(page, "alice")

    expect(page.get_by_role("heading", name="Your account")).to_be_visible()
    other = page.locator(".sessions li", has_text="Phone browser")
    expect(other).to_be_visible()
    expect(page.locator(".sessions li", has_text="this browser")).to_be_visible()
    page.locator(".card").screenshot(path=SCREENSHOTS / "provider-account.png")

    other.get_by_role("button", name="Sign out").click()

    expect(page.get_by_text("That session is signed out.")).to_be_visible()
    expect(page.locator(".sessions li")).to_have_count(1)
    other_device.goto(f"{provider_url}/accounts/")
    expect(other_device.get_by_role("heading", name="Sign in")).to_be_visible()
    other_device.context.close()
