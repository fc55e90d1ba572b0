"""Device authorization grant (RFC 8628) end to end: device asks, person approves in a browser, device polls."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from oauth2_provider.models import get_access_token_model, get_device_grant_model

from tests.factories import DeviceApplicationFactory
from tests.flows import form_post, token_request

pytestmark = pytest.mark.django_db

DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"


@pytest.fixture
def device_app(db):
    """A public device-flow client (a TV app)."""
    return DeviceApplicationFactory()


def start(http, app, scope: str = "openid profile") -> dict:
    """The device's first request (RFC 8628 §3.1); returns the device authorization response."""
    response = form_post(
        http, reverse("oauth2_provider:device-authorization"), {"client_id": app.client_id, "scope": scope}
    )
    assert response.status_code == 200, response.content
    return response.json()


def poll(http, app, device_code: str):
    """One poll of the token endpoint (RFC 8628 §3.4), forgetting the previous poll's time."""
    cache.clear()  # the interval is covered by its own test; here each poll stands for one after waiting
    return token_request(http, app, {"grant_type": DEVICE_GRANT, "device_code": device_code})


def enter_code(browser, user_code: str):
    """The person types the code at the verification URI; returns the page that asks Allow / Deny."""
    response = browser.post(reverse("oauth2_provider:device"), {"user_code": user_code})
    assert response.status_code == 302, response.content
    return response["Location"]


def test_device_authorization_response_has_the_rfc_fields(client, device_app):
    body = start(client, device_app)

    assert {"device_code", "user_code", "verification_uri", "expires_in", "interval"} <= body.keys()
    assert body["verification_uri"].endswith("/o/device/")
    assert body["verification_uri_complete"] == f"{body['verification_uri']}?user_code={body['user_code']}"
    assert body["interval"] == 5
    assert len(body["user_code"]) == 8


def test_approving_on_the_device_page_gives_the_device_tokens_for_that_person(browser, client, device_app, user):
    body = start(client, device_app)

    confirm_url = enter_code(browser, body["user_code"])
    page = browser.get(confirm_url)
    assert page.status_code == 200
    assert device_app.name.encode() in page.content
    assert b"See your name and username" in page.content
    status = browser.post(confirm_url, {"action": "accept"})
    assert status.status_code == 302
    response = poll(client, device_app, body["device_code"])

    assert response.status_code == 200, response.content
    tokens = response.json()
    assert tokens["token_type"] == "Bearer"
    assert tokens["scope"] == "openid profile"
    assert response["Cache-Control"] == "no-store"
    assert get_access_token_model().objects.get(application=device_app).user == user


def test_polling_before_approval_is_authorization_pending(client, device_app):
    body = start(client, device_app)

    response = poll(client, device_app, body["device_code"])

    assert response.status_code == 400
    assert response.json()["error"] == "authorization_pending"
    assert response["Cache-Control"] == "no-store"


def test_entering_the_code_alone_does_not_approve(browser, client, device_app):
    body = start(client, device_app)
    enter_code(browser, body["user_code"])

    response = poll(client, device_app, body["device_code"])

    assert response.json()["error"] == "authorization_pending"


def test_denying_gives_the_device_access_denied(browser, client, device_app):
    body = start(client, device_app)
    browser.post(enter_code(browser, body["user_code"]), {"action": "deny"})

    response = poll(client, device_app, body["device_code"])

    assert response.status_code == 400
    assert response.json()["error"] == "access_denied"
    assert not get_access_token_model().objects.filter(application=device_app).exists()


def test_polling_faster_than_the_interval_is_slow_down_and_adds_five_seconds(client, device_app):
    body = start(client, device_app)
    poll(client, device_app, body["device_code"])

    too_soon = token_request(client, device_app, {"grant_type": DEVICE_GRANT, "device_code": body["device_code"]})

    assert too_soon.status_code == 400
    assert too_soon.json()["error"] == "slow_down"
    assert get_device_grant_model().objects.get(device_code=body["device_code"]).interval == 10


def test_a_device_code_buys_tokens_only_once(browser, client, device_app):
    body = start(client, device_app)
    browser.post(enter_code(browser, body["user_code"]), {"action": "accept"})
    assert poll(client, device_app, body["device_code"]).status_code == 200

    again = poll(client, device_app, body["device_code"])

    assert again.status_code == 400
    assert again.json()["error"] == "invalid_grant"
    assert get_access_token_model().objects.filter(application=device_app).count() == 1


def test_another_client_cannot_redeem_the_device_code(browser, client, device_app):
    body = start(client, device_app)
    browser.post(enter_code(browser, body["user_code"]), {"action": "accept"})
    other = DeviceApplicationFactory()

    response = poll(client, other, body["device_code"])

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"
    assert poll(client, device_app, body["device_code"]).status_code == 200


def test_an_unknown_device_code_is_invalid_grant(client, device_app):
    response = poll(client, device_app, "no-such-device-code")

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"


def test_an_expired_device_code_is_expired_token(client, device_app):
    body = start(client, device_app)
    get_device_grant_model().objects.update(expires=timezone.now() - timedelta(seconds=1))

    response = poll(client, device_app, body["device_code"])

    assert response.status_code == 400
    assert response.json()["error"] == "expired_token"


def test_the_code_is_accepted_in_lower_case_with_a_dash(browser, client, device_app):
    body = start(client, device_app)
    typed = f"{body['user_code'][:4]}-{body['user_code'][4:]}".lower()

    response = browser.post(reverse("oauth2_provider:device"), {"user_code": typed})

    assert response.status_code == 302


def test_a_wrong_code_shows_a_field_error_on_our_page(browser, device_app):
    response = browser.post(reverse("oauth2_provider:device"), {"user_code": "WRONG123"})

    assert response.status_code == 200
    assert b"Incorrect user code" in response.content
    assert b'class="field-error"' in response.content
    assert b"Connect a device" in response.content


def test_the_code_page_is_ours_with_csrf_and_prefills_the_code(browser):
    response = browser.get(reverse("oauth2_provider:device"), {"user_code": "ABCD1234"})

    assert response.status_code == 200
    assert b"csrfmiddlewaretoken" in response.content
    assert b'value="ABCD1234"' in response.content
    assert b'<link rel="stylesheet" href="/static/css/site.css">' in response.content
    assert b"<html>\n<head>" not in response.content  # DOT's page nested a document inside ours


def test_the_device_page_sends_an_anonymous_person_to_sign_in(client):
    response = client.get(reverse("oauth2_provider:device"), {"user_code": "ABCD1234"})

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_approval_needs_a_csrf_token(user, client, device_app):
    body = start(client, device_app)
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(user)

    response = strict.post(reverse("oauth2_provider:device"), {"user_code": body["user_code"]})

    assert response.status_code == 403


def test_a_client_without_the_device_grant_gets_no_user_code(client, public_app):
    response = form_post(client, reverse("oauth2_provider:device-authorization"), {"client_id": public_app.client_id})

    assert response.status_code == 400
    assert response.json()["error"] == "unauthorized_client"
