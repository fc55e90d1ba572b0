"""The signed-in page's buttons: call the API, refresh (rotation), revoke (then the API refuses the token)."""

import pytest
from playwright.sync_api import expect

from tests.browser.pages import sign_in, start_login_at_webclient

pytestmark = pytest.mark.browser


@pytest.fixture
def signed_in_page(page, alice, web_client_app, webclient_url):
    """The web client's page after alice allowed it."""
    start_login_at_webclient(page, webclient_url)
    sign_in(page, "alice")
    page.get_by_role("button", name="Allow").click()
    expect(page.get_by_role("heading", name="Logged in as alice")).to_be_visible()
    return page


def test_call_api_shows_json_and_still_works_after_a_refresh_with_rotation(signed_in_page):
    call_api = signed_in_page.get_by_role("button", name="Call the API: GET /api/me/")
    result = signed_in_page.locator("#api-result")
    call_api.click()
    expect(result.get_by_role("heading")).to_contain_text("/api/me/ → 200")
    expect(result.locator("pre")).to_contain_text('"username": "alice"')

    signed_in_page.get_by_role("button", name="Refresh the token").click()

    notice = signed_in_page.get_by_role("status")
    expect(notice).to_contain_text("Refreshed: the new access token expires at")
    expect(notice).to_contain_text("rotated the refresh token")
    call_api.click()
    expect(result.get_by_role("heading")).to_contain_text("/api/me/ → 200")


def test_after_revoke_the_api_call_shows_a_readable_401_and_refresh_is_refused(signed_in_page):
    signed_in_page.get_by_role("button", name="Revoke the tokens").click()
    expect(signed_in_page.get_by_role("status")).to_contain_text("Revoked at the provider")
    # The page no longer claims to hold a usable refresh token.
    expect(signed_in_page.locator("#refresh-token-state")).to_have_text("revoked at the provider")
    expect(signed_in_page.locator("#token-expiry")).to_contain_text("(revoked at the provider)")

    signed_in_page.get_by_role("button", name="Call the API: GET /api/me/").click()

    result = signed_in_page.locator("#api-result")
    expect(result.get_by_role("heading")).to_contain_text("→ 401")
    expect(result.get_by_role("alert")).to_contain_text("The API refused the access token (401 Unauthorized")
    expect(result.get_by_role("alert")).to_contain_text("invalid_token")
    # The revoked refresh token is refused too, in words, on the same page (which stays usable).
    signed_in_page.get_by_role("button", name="Refresh the token").click()
    expect(signed_in_page.get_by_role("alert")).to_contain_text("invalid_grant")
    expect(signed_in_page.get_by_role("button", name="Log out")).to_be_visible()
