"""The device flow (RFC 8628) binds its tokens to the polling device's DPoP key, refresh token included."""

import pytest
from django.urls import reverse

from tests.dpop.proofs import new_key, token_post
from tests.factories import DeviceApplicationFactory
from tests.flows import form_post

pytestmark = pytest.mark.django_db

DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"


def _approved_device_code(client, browser, app) -> str:
    started = form_post(
        client, reverse("oauth2_provider:device-authorization"), {"client_id": app.client_id, "scope": "openid"}
    ).json()
    confirm_url = browser.post(reverse("oauth2_provider:device"), {"user_code": started["user_code"]})["Location"]
    browser.post(confirm_url, {"action": "accept"})
    return started["device_code"]


def test_a_device_polling_with_a_proof_gets_bound_tokens_and_refreshes_only_with_its_key(client, browser):
    app = DeviceApplicationFactory()
    key = new_key()
    device_code = _approved_device_code(client, browser, app)

    issued = token_post(client, app, {"grant_type": DEVICE_GRANT, "device_code": device_code}, key=key)
    refresh = {"grant_type": "refresh_token", "refresh_token": issued.json()["refresh_token"]}
    stolen = token_post(client, app, refresh, key=new_key())
    refreshed = token_post(client, app, refresh, key=key)

    assert issued.status_code == 200, issued.content
    assert issued.json()["token_type"] == "DPoP"
    assert stolen.json()["error"] == "invalid_grant"
    assert refreshed.status_code == 200, refreshed.content
