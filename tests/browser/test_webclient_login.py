"""Signing in to the demo web client through the provider: sign-in page, consent with the right scopes, Allow."""

import pytest
from playwright.sync_api import expect

from tests.browser.pages import consent_scopes, sign_in, start_login_at_webclient, webclient_path

pytestmark = pytest.mark.browser


def test_allow_on_consent_lands_on_logged_in_as_alice_with_verified_claims(
    page, provider_url, alice, web_client_app, webclient_url
):
    start_login_at_webclient(page, webclient_url)
    # The provider's own origin asks for the password, never the client.
    assert page.url.startswith(f"{provider_url}/accounts/login/?next=/o/authorize/")
    sign_in(page, "alice")

    assert consent_scopes(page) == ["openid", "profile", "email", "notes:read"]
    expect(page.get_by_text("Demo web client wants to access your account")).to_be_visible()
    page.get_by_role("button", name="Allow").click()

    expect(page).to_have_url(webclient_path(webclient_url, "/"))
    expect(page.get_by_role("heading", name="Logged in as alice")).to_be_visible()
    claims = page.locator("#id-token-claims")
    expect(claims.locator("tr", has_text="iss")).to_contain_text(provider_url)
    expect(claims.locator("tr", has_text="aud")).to_contain_text("demo-web")
    expect(claims.locator("tr", has_text="email_verified")).to_contain_text("true")
    expect(page.locator("#granted-scopes li")).to_have_text(["openid", "profile", "email", "notes:read"])
    expect(page.locator("#token-expiry")).to_contain_text("UTC")
