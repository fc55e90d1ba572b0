"""Device authorization and verification rows of docs/conformance.md (RFC 8628 §3.1-3.5)."""

import json
import re

import pytest
from django.test.client import MULTIPART_CONTENT
from django.urls import reverse

from tests.factories import CLIENT_SECRET, DeviceApplicationFactory
from tests.flows import basic_auth, form_post, token_request

pytestmark = pytest.mark.django_db

DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
DESCRIPTION_CHARSET = re.compile(r"^[\x20-\x21\x23-\x5b\x5d-\x7e]+$")


@pytest.fixture
def device_app(db):
    return DeviceApplicationFactory()


def device_url() -> str:
    return reverse("oauth2_provider:device-authorization")


def assert_error(response, error: str, status: int = 400) -> None:
    assert response.status_code == status, response.content
    body = response.json()
    assert body["error"] == error, body
    assert DESCRIPTION_CHARSET.match(body.get("error_description", "x")), body


# DEVICE AUTHORIZATION ENDPOINT (RFC 8628 §3.1-3.2)
# --------------------------------------------------------------------------
def test_the_response_has_every_required_member_and_is_not_cached(client, device_app):
    response = form_post(client, device_url(), {"client_id": device_app.client_id, "scope": "openid"})

    assert response.status_code == 200, response.content
    assert {"device_code", "user_code", "verification_uri", "expires_in"} <= response.json().keys()
    assert response["Cache-Control"] == "no-store"


def test_without_client_id_it_is_invalid_request(client, device_app):
    response = form_post(client, device_url(), {"scope": "openid"})

    assert_error(response, "invalid_request")


def test_an_unknown_client_id_is_401_invalid_client(client, device_app):
    response = form_post(client, device_url(), {"client_id": "made-up", "scope": "openid"})

    assert_error(response, "invalid_client", status=401)
    assert response["WWW-Authenticate"].startswith("Basic ")


def test_a_confidential_client_authenticates_with_basic_and_names_itself_in_the_body(client):
    app = DeviceApplicationFactory(client_type="confidential", client_secret=CLIENT_SECRET)

    response = form_post(
        client, device_url(), {"client_id": app.client_id, "scope": "openid"}, **basic_auth(app.client_id)
    )

    assert response.status_code == 200, response.content


def test_a_confidential_client_authenticating_with_basic_may_leave_client_id_out_of_the_body(client):
    app = DeviceApplicationFactory(client_type="confidential", client_secret=CLIENT_SECRET)

    response = form_post(client, device_url(), {"scope": "openid"}, **basic_auth(app.client_id))

    assert response.status_code == 200, response.content
    assert response.json()["device_code"]


def test_basic_with_a_wrong_secret_and_no_body_client_id_is_401_invalid_client(client):
    app = DeviceApplicationFactory(client_type="confidential", client_secret=CLIENT_SECRET)

    response = form_post(client, device_url(), {"scope": "openid"}, **basic_auth(app.client_id, "wrong"))

    assert_error(response, "invalid_client", status=401)


def test_a_confidential_client_with_a_wrong_secret_is_401_invalid_client(client):
    app = DeviceApplicationFactory(client_type="confidential", client_secret=CLIENT_SECRET)

    response = form_post(client, device_url(), {"client_id": app.client_id}, **basic_auth(app.client_id, "wrong"))

    assert_error(response, "invalid_client", status=401)


def test_an_unknown_scope_is_invalid_scope(client, device_app):
    response = form_post(client, device_url(), {"client_id": device_app.client_id, "scope": "made-up"})

    assert_error(response, "invalid_scope")


def test_a_multipart_body_is_invalid_request(client, device_app):
    response = client.post(device_url(), {"client_id": device_app.client_id}, content_type=MULTIPART_CONTENT)

    assert_error(response, "invalid_request")


def test_a_json_body_is_invalid_request(client, device_app):
    body = json.dumps({"client_id": device_app.client_id})

    response = client.post(device_url(), body, content_type="application/json")

    assert_error(response, "invalid_request")


def test_get_is_405(client, device_app):
    response = client.get(device_url(), {"client_id": device_app.client_id})

    assert response.status_code == 405


def test_a_confidential_device_client_using_two_authentication_methods_is_invalid_request(client):
    app = DeviceApplicationFactory(client_type="confidential", client_secret=CLIENT_SECRET)

    response = form_post(
        client,
        device_url(),
        {"client_id": app.client_id, "client_secret": CLIENT_SECRET},
        **basic_auth(app.client_id),
    )

    assert_error(response, "invalid_request")


# TOKEN ENDPOINT, grant_type=device_code (RFC 8628 §3.4-3.5)
# --------------------------------------------------------------------------
def test_a_poll_without_device_code_is_invalid_request_not_a_crash(client, device_app):
    response = token_request(client, device_app, {"grant_type": DEVICE_GRANT})

    assert_error(response, "invalid_request")
    assert "device_code" in response.json()["error_description"]


def test_a_poll_with_an_empty_device_code_is_invalid_request(client, device_app):
    response = token_request(client, device_app, {"grant_type": DEVICE_GRANT, "device_code": ""})

    assert_error(response, "invalid_request")


# VERIFICATION PAGE (RFC 8628 §3.3)
# --------------------------------------------------------------------------
def test_the_verification_page_prefills_user_code_from_the_complete_uri(browser):
    response = browser.get(reverse("oauth2_provider:device"), {"user_code": "ABCD-EFGH"})

    assert response.status_code == 200
    assert "ABCD-EFGH" in response.content.decode()
