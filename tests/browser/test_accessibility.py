"""The pages people use pass axe-core with no serious or critical violation, and consent works by keyboard alone.

axe-core runs inside the page through Playwright's evaluate, which the site's strict CSP does not block (it is
the browser's debugging protocol, not a script the page loads).
"""

from urllib.parse import urlencode

import pytest
import requests
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from tests.browser.conftest import REPO_DIR
from tests.browser.pages import sign_in, start_login_at_webclient
from tests.flows import pkce_pair
from tests.mfa import AuthenticatorApp

pytestmark = pytest.mark.browser

SERIOUS = {"serious", "critical"}


def serious_violations(page: Page) -> list[str]:
    results = Axe().run(page)
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} at "
        + ", ".join(str(node["target"]) for node in violation["nodes"][:3])
        for violation in results.response["violations"]
        if violation["impact"] in SERIOUS
    ]


def consent_url(provider_url: str, client_id: str, redirect_uri: str) -> str:
    _, challenge = pkce_pair()
    query = {
        "response_type": "code",
        "client_id": client_id,
        "redirect_uri": redirect_uri,
        "scope": "openid profile email",
        "state": "a11y",
        "code_challenge": challenge,
        "code_challenge_method": "S256",
    }
    return f"{provider_url}/o/authorize/?{urlencode(query)}"


def test_sign_in_page(page, provider_url):
    page.goto(f"{provider_url}/accounts/login/")

    assert serious_violations(page) == []


def test_consent_page_in_english_and_french(page, provider_url, alice, web_client_app):
    page.goto(consent_url(provider_url, web_client_app.client_id, web_client_app.redirect_uris.split()[0]))
    sign_in(page, "alice")
    expect(page.locator("#authorizationForm")).to_be_visible()
    assert serious_violations(page) == []

    page.goto(
        consent_url(provider_url, web_client_app.client_id, web_client_app.redirect_uris.split()[0]) + "&ui_locales=fr"
    )
    expect(page.get_by_role("button", name="Autoriser")).to_be_visible()
    assert serious_violations(page) == []
    page.screenshot(path=REPO_DIR / "docs" / "screenshots" / "provider-consent-fr.png")


def test_consent_works_with_the_keyboard_alone(page, provider_url, alice, web_client_app):
    redirect_uri = web_client_app.redirect_uris.split()[0]
    page.goto(consent_url(provider_url, web_client_app.client_id, redirect_uri))
    sign_in(page, "alice")
    expect(page.locator("#authorizationForm")).to_be_visible()

    # Tab through the page until Allow has the focus, untick nothing, and press Enter.
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.value") == "Authorize":
            break
    assert page.evaluate("document.activeElement.textContent.trim()") == "Allow"
    with page.expect_request(lambda request: request.url.startswith(redirect_uri)) as redirected:
        page.keyboard.press("Enter")

    assert "code=" in redirected.value.url


def test_device_pages(page, provider_url, alice, device_app):
    device = requests.post(
        f"{provider_url}/o/device-authorization/", data={"client_id": device_app.client_id}, timeout=10
    ).json()
    page.goto(f"{provider_url}/o/device/")
    sign_in(page, "alice")
    expect(page.get_by_role("heading", name="Connect a device")).to_be_visible()
    assert serious_violations(page) == []

    page.get_by_label("Code").fill(device["user_code"])
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("button", name="Allow")).to_be_visible()
    assert serious_violations(page) == []


def test_account_pages(page, provider_url, alice):
    page.goto(f"{provider_url}/accounts/login/")
    sign_in(page, "alice")
    for path in ("/accounts/apps/", "/accounts/email/", "/accounts/password_change/", "/accounts/password_reset/"):
        page.goto(f"{provider_url}{path}")
        assert serious_violations(page) == [], path


def test_two_step_sign_in_pages(page, provider_url, alice):
    page.goto(f"{provider_url}/accounts/login/")
    sign_in(page, "alice")
    page.goto(f"{provider_url}/accounts/mfa/")
    assert serious_violations(page) == [], "MFA section"
    page.get_by_role("link", name="Set up an authenticator app").click()
    assert serious_violations(page) == [], "enrolment (QR code)"
    app = AuthenticatorApp.from_typed_key(page.locator("#totp-secret").inner_text())
    page.get_by_label("Code from the app").fill(app.new_code())
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("heading", name="Your recovery codes")).to_be_visible()
    assert serious_violations(page) == [], "recovery codes"

    page.get_by_role("button", name="Sign out").click()
    page.goto(f"{provider_url}/accounts/login/")
    sign_in(page, "alice")
    expect(page.get_by_role("heading", name="Two-step sign-in")).to_be_visible()
    assert serious_violations(page) == [], "second step"
    page.get_by_label("Code", exact=True).fill("not-a-code")
    page.get_by_role("button", name="Verify").click()
    expect(page.get_by_role("alert")).to_be_visible()
    assert serious_violations(page) == [], "second step, code refused"


def test_web_client_home_and_signed_in_pages(page, alice, web_client_app, webclient_url):
    page.goto(f"{webclient_url}/")
    assert serious_violations(page) == [], "home"
    start_login_at_webclient(page, webclient_url)
    sign_in(page, "alice")
    page.get_by_role("button", name="Allow").click()
    expect(page.get_by_role("heading", name="Logged in as alice")).to_be_visible()
    assert serious_violations(page) == [], "signed in (how you signed in, tokens, claims)"


def test_error_pages(page, provider_url, alice):
    page.goto(f"{provider_url}/accounts/login/")
    sign_in(page, "alice")
    # An authorization request from an unknown client: the readable error page, not a redirect.
    page.goto(f"{provider_url}/o/authorize/?response_type=code&client_id=nobody&scope=openid")
    expect(page.get_by_role("heading", name="This request cannot be completed")).to_be_visible()
    assert serious_violations(page) == []
    # A damaged request: the request guard's page.
    page.goto(f"{provider_url}/o/authorize/?client_id=%ff")
    assert serious_violations(page) == []
