"""Failures the web client explains in words: stale or forged answers, an ended session, a provider that is down."""

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


def test_an_action_after_the_clients_session_ended_asks_to_log_in_again(page, webclient_url):
    page.goto(f"{webclient_url}/")
    csrf_token = next(c["value"] for c in page.context.cookies() if c["name"] == "webclient_csrftoken")

    # What the Refresh button sends once the web client's session has expired (the form is still valid).
    response = page.request.post(f"{webclient_url}/refresh", headers={"X-CSRFToken": csrf_token})

    assert response.status == 401
    assert "You are not logged in here" in response.text()
    assert "Please log in again" in response.text()


def test_log_in_while_the_provider_is_down_says_so_in_words(page, webclient_without_provider_url):
    page.goto(f"{webclient_without_provider_url}/")
    page.get_by_role("button", name="Log in with Django IdP").click()

    expect(page.get_by_role("heading", name="The provider is not answering")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("Is it running? Start it with `make run`.")
    expect(page.get_by_text("Traceback")).to_have_count(0)
