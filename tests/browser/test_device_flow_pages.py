"""The device flow's pages in a real browser: enter the TV's code, approve, and the TV's poll gets a token."""

import pytest
import requests
from playwright.sync_api import expect

from tests.browser.pages import sign_in

pytestmark = pytest.mark.browser

DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"


def test_user_enters_the_code_approves_and_the_device_poll_receives_tokens(page, provider_url, alice, device_app):
    started = requests.post(
        f"{provider_url}/o/device-authorization/",
        data={"client_id": "demo-device", "scope": "openid profile"},
        timeout=10,
    )
    assert started.status_code == 200, started.text
    device = started.json()

    page.goto(f"{provider_url}/o/device/")
    sign_in(page, "alice")
    expect(page.get_by_role("heading", name="Connect a device")).to_be_visible()
    page.get_by_label("Code").fill(device["user_code"])
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_text("Demo TV app (device flow) wants to access your account")).to_be_visible()
    expect(page.locator(".scopes .scope-name")).to_have_text(["openid", "profile"])
    page.get_by_role("button", name="Allow").click()
    expect(page.get_by_role("heading", name="Device connected")).to_be_visible()

    polled = requests.post(
        f"{provider_url}/o/token/",
        data={"grant_type": DEVICE_GRANT, "device_code": device["device_code"], "client_id": "demo-device"},
        timeout=10,
    )
    assert polled.status_code == 200, polled.text
    assert polled.json()["token_type"] == "Bearer"
    assert polled.json()["scope"] == "openid profile"
