"""Passkeys in a real browser: Chromium's virtual authenticator (DevTools WebAuthn domain) stands in for the device.

WebAuthn needs a secure context and an RP ID that is a domain name: http://localhost is both (127.0.0.1 is
secure but no domain), so these tests open the live provider as localhost. Its issuer, and so the RP ID and
the origin the server expects, follow from that address. No other test in this file uses the web client, so
the web client's cookies on localhost (another port, same host) never meet these.
"""

import re

import pytest
from playwright.sync_api import CDPSession, Page, expect

from accounts.mfa.models import Passkey
from accounts.models import User
from tests.browser.conftest import REPO_DIR
from tests.browser.pages import sign_in

pytestmark = pytest.mark.browser

SCREENSHOTS = REPO_DIR / "docs" / "screenshots"


@pytest.fixture
def site(provider_url: str) -> str:
    """The live provider as http://localhost:<port> (bound to 127.0.0.1 only)."""
    return provider_url.replace("127.0.0.1", "localhost")


@pytest.fixture
def console_errors(page: Page) -> list[str]:
    """Errors the page logs: a Content-Security-Policy violation is one, so is an uncaught script error."""
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


def virtual_authenticator(page: Page, *, user_verified: bool = True) -> tuple[CDPSession, str]:
    """A platform authenticator with resident keys and user verification, as a phone or laptop has."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    options = {
        "protocol": "ctap2",
        "transport": "internal",
        "hasResidentKey": True,
        "hasUserVerification": True,
        "isUserVerified": user_verified,
        "automaticPresenceSimulation": True,
    }
    authenticator = cdp.send("WebAuthn.addVirtualAuthenticator", {"options": options})["authenticatorId"]
    return cdp, authenticator


@pytest.fixture
def authenticator(page: Page) -> tuple[CDPSession, str]:
    """A virtual authenticator in ``page``'s browser (it goes with the page's context)."""
    return virtual_authenticator(page)


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").first.click()
    expect(page.get_by_role("banner").get_by_role("link", name="Sign in")).to_be_visible()


def add_passkey(page: Page, site: str, name: str) -> None:
    page.goto(f"{site}/accounts/mfa/")
    page.get_by_label("Name for the new passkey").fill(name)
    page.get_by_role("button", name="Add a passkey").click()


def test_a_passkey_added_on_the_mfa_page_is_a_second_factor_and_signs_in_alone(
    page: Page, site: str, alice: User, authenticator, console_errors: list[str]
):
    cdp, authenticator_id = authenticator
    page.goto(f"{site}/accounts/login/")
    sign_in(page, "alice")
    expect(page.locator(".topbar .who")).to_contain_text("Signed in as alice")

    add_passkey(page, site, "Test laptop")

    # The first second factor: recovery codes, shown once.
    expect(page.get_by_role("heading", name="Your recovery codes")).to_be_visible()
    expect(page.get_by_text("Your passkey “Test laptop” is added.")).to_be_visible()
    page.get_by_role("link", name="I have saved them").click()
    expect(page.locator("#passkey-list")).to_contain_text("Test laptop")
    passkey = Passkey.objects.get(user=alice)
    assert passkey.user_handle
    credentials = cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator_id})["credentials"]
    assert len(credentials) == 1
    assert credentials[0]["isResidentCredential"]
    page.locator("section.card").screenshot(path=SCREENSHOTS / "provider-mfa-passkeys.png")

    # Password, then the passkey as the second factor.
    sign_out(page)
    page.goto(f"{site}/accounts/login/")
    sign_in(page, "alice")
    expect(page.get_by_role("heading", name="Two-step sign-in")).to_be_visible()
    page.get_by_role("button", name="Use a passkey").click()
    expect(page.locator(".topbar .who")).to_contain_text("Signed in as alice")
    expect(page).to_have_url(re.compile(re.escape(site) + r"/$"))

    # The passkey alone, from the sign-in page.
    sign_out(page)
    page.goto(f"{site}/accounts/login/")
    expect(page.get_by_role("button", name="Sign in with a passkey")).to_be_visible()
    page.locator("section.card").screenshot(path=SCREENSHOTS / "provider-sign-in-passkey.png")
    page.get_by_role("button", name="Sign in with a passkey").click()
    expect(page.locator(".topbar .who")).to_contain_text("Signed in as alice")
    passkey.refresh_from_db()
    assert passkey.last_used_at is not None

    assert console_errors == []


def test_a_browser_without_a_passkey_for_this_site_gets_a_readable_error(
    page: Page, site: str, alice: User, authenticator, console_errors: list[str]
):
    page.goto(f"{site}/accounts/login/")

    page.get_by_role("button", name="Sign in with a passkey").click()

    expect(page.locator("#passkey-error")).to_have_text("No passkey was used: the request was canceled or timed out.")
    expect(page.get_by_role("button", name="Sign in with a passkey")).to_be_enabled()
    assert console_errors == []


def test_a_passkey_on_a_device_that_cannot_verify_the_user_does_not_sign_in_alone(
    page: Page, site: str, alice: User, console_errors: list[str]
):
    cdp, authenticator_id = virtual_authenticator(page)
    page.goto(f"{site}/accounts/login/")
    sign_in(page, "alice")
    add_passkey(page, site, "Shared key")
    expect(page.get_by_role("heading", name="Your recovery codes")).to_be_visible()
    sign_out(page)
    cdp.send("WebAuthn.setUserVerified", {"authenticatorId": authenticator_id, "isUserVerified": False})
    page.goto(f"{site}/accounts/login/")

    page.get_by_role("button", name="Sign in with a passkey").click()

    expect(page.locator("#passkey-error")).to_have_text("No passkey was used: the request was canceled or timed out.")
    expect(page.get_by_role("banner").get_by_role("link", name="Sign in")).to_be_visible()
    assert console_errors == []
