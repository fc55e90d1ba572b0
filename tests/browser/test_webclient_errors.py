"""Failures the web client explains in words: a stale sign-in answer, and a provider that is not running."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_callback_with_unknown_state_says_the_sign_in_is_no_longer_valid(page, provider_url, webclient_url):
    response = page.goto(f"{webclient_url}/callback?code=stale&state=not-ours&iss={provider_url}")

    assert response.status == 400
    expect(page.get_by_role("heading", name="This sign-in is no longer valid")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("Please log in again")
    expect(page.get_by_text("Traceback")).to_have_count(0)


def test_callback_naming_another_issuer_is_refused_as_a_mix_up(page, provider_url, webclient_url):
    response = page.goto(f"{webclient_url}/callback?code=x&state=y&iss=https://evil.example.test")

    assert response.status == 400
    expect(page.get_by_role("heading", name="Sign-in refused")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("it is not from our provider")


def test_action_without_a_session_asks_to_log_in_again(page, webclient_url):
    page.goto(f"{webclient_url}/")
    # A signed-out browser posting an action, e.g. after the client's session expired.
    response = page.request.post(f"{webclient_url}/refresh", headers={"Referer": f"{webclient_url}/"})

    assert response.status == 403  # no CSRF token: Django refuses before the view, with a readable page
    assert "This form has expired" in response.text()
