"""Token endpoint rows of docs/conformance.md that hold for every grant: method, body, client authentication, errors.

Per-grant rows are in test_token_endpoint_<grant>.py beside this file.
"""

import base64
import json
import re
from urllib.parse import quote

import pytest
from django.test.client import MULTIPART_CONTENT
from django.urls import reverse

from provider.responses import error_description
from tests.factories import CLIENT_SECRET, USER_PASSWORD
from tests.flows import basic_auth, form_post

pytestmark = pytest.mark.django_db

FORM = "application/x-www-form-urlencoded"
GRANT = {"grant_type": "client_credentials"}
# RFC 6749 §5.2: error_description = 1*( %x20-21 / %x23-5B / %x5D-7E )
DESCRIPTION_CHARSET = re.compile(r"^[\x20-\x21\x23-\x5b\x5d-\x7e]+$")


def token_url() -> str:
    return reverse("oauth2_provider:token")


def assert_error(response, error: str, status: int = 400) -> None:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json"
    assert response["Cache-Control"] == "no-store"
    body = response.json()
    assert body["error"] == error, body
    if "error_description" in body:
        assert DESCRIPTION_CHARSET.match(body["error_description"]), body


# HTTP METHOD AND BODY
# --------------------------------------------------------------------------
@pytest.mark.parametrize("method", ["get", "put", "delete", "patch"])
def test_any_method_but_post_is_405_with_allow_post(client, machine_app, method):
    response = getattr(client, method)(token_url(), **basic_auth(machine_app.client_id))

    assert response.status_code == 405
    assert "POST" in response["Allow"]
    assert "access_token" not in response.content.decode()


def test_a_multipart_body_is_invalid_request(client, machine_app):
    response = client.post(token_url(), GRANT, content_type=MULTIPART_CONTENT, **basic_auth(machine_app.client_id))

    assert_error(response, "invalid_request")
    assert "application/x-www-form-urlencoded" in response.json()["error_description"]


def test_a_json_body_is_invalid_request(client, machine_app):
    response = client.post(
        token_url(), json.dumps(GRANT), content_type="application/json", **basic_auth(machine_app.client_id)
    )

    assert_error(response, "invalid_request")


def test_a_body_without_content_type_is_invalid_request(client, machine_app):
    response = client.generic(
        "POST", token_url(), "grant_type=client_credentials", content_type="", **basic_auth(machine_app.client_id)
    )

    assert_error(response, "invalid_request")


def test_a_form_body_with_a_charset_is_accepted(client, machine_app):
    response = client.post(
        token_url(),
        "grant_type=client_credentials",
        content_type=f"{FORM}; charset=UTF-8",
        **basic_auth(machine_app.client_id),
    )

    assert response.status_code == 200, response.content


def test_parameters_in_the_query_string_are_invalid_request(client, machine_app):
    response = client.post(
        f"{token_url()}?client_id={machine_app.client_id}&client_secret={CLIENT_SECRET}",
        "grant_type=client_credentials",
        content_type=FORM,
    )

    assert_error(response, "invalid_request")


def test_an_unknown_parameter_is_ignored_as_rfc_6749_section_3_2_requires(client, machine_app):
    response = form_post(client, token_url(), {**GRANT, "made_up": "x"}, **basic_auth(machine_app.client_id))

    assert response.status_code == 200, response.content


# GRANT TYPE
# --------------------------------------------------------------------------
def test_a_missing_grant_type_is_invalid_request(client, machine_app):
    response = form_post(client, token_url(), {"scope": "users:read"}, **basic_auth(machine_app.client_id))

    assert_error(response, "invalid_request")
    assert "grant_type" in response.json()["error_description"]


@pytest.mark.parametrize("grant_type", ["implicit", "made_up", "urn:ietf:params:oauth:grant-type:jwt-bearer"])
def test_an_unknown_grant_type_is_unsupported_grant_type(client, machine_app, grant_type):
    response = form_post(client, token_url(), {"grant_type": grant_type}, **basic_auth(machine_app.client_id))

    assert_error(response, "unsupported_grant_type")


def test_a_grant_the_client_was_not_given_is_unauthorized_client(client, machine_app):
    response = form_post(
        client, token_url(), {"grant_type": "refresh_token", "refresh_token": "x"}, **basic_auth(machine_app.client_id)
    )

    assert_error(response, "unauthorized_client")


@pytest.mark.parametrize("password", [USER_PASSWORD, "wrong"])
def test_a_client_without_the_password_grant_learns_nothing_about_a_password(client, machine_app, user, password):
    response = form_post(
        client,
        token_url(),
        {"grant_type": "password", "username": user.username, "password": password},
        **basic_auth(machine_app.client_id),
    )

    assert_error(response, "unauthorized_client")


# CLIENT AUTHENTICATION (RFC 6749 §2.3)
# --------------------------------------------------------------------------
def test_basic_credentials_are_form_encoded_before_base64(client, machine_app):
    machine_app.client_id = "id with:colon"
    machine_app.client_secret = "secret with:colon&plus+"
    machine_app.save()
    raw = f"{quote('id with:colon', safe='')}:{quote('secret with:colon&plus+', safe='')}"
    header = "Basic " + base64.b64encode(raw.encode()).decode()

    response = form_post(client, token_url(), GRANT, HTTP_AUTHORIZATION=header)

    assert response.status_code == 200, response.content


def test_the_secret_in_the_body_authenticates_too(client, machine_app):
    response = form_post(
        client, token_url(), {**GRANT, "client_id": machine_app.client_id, "client_secret": CLIENT_SECRET}
    )

    assert response.status_code == 200, response.content


def test_basic_and_a_secret_in_the_body_is_invalid_request(client, machine_app):
    response = form_post(
        client,
        token_url(),
        {**GRANT, "client_id": machine_app.client_id, "client_secret": CLIENT_SECRET},
        **basic_auth(machine_app.client_id),
    )

    assert_error(response, "invalid_request")
    assert "more than one client authentication method" in response.json()["error_description"]


def test_basic_and_a_client_assertion_is_invalid_request(client, machine_app):
    response = form_post(
        client,
        token_url(),
        {
            **GRANT,
            "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            "client_assertion": "a.b.c",
        },
        **basic_auth(machine_app.client_id),
    )

    assert_error(response, "invalid_request")


def test_a_body_client_id_naming_another_client_than_basic_is_invalid_request(client, machine_app, web_app):
    response = form_post(
        client, token_url(), {**GRANT, "client_id": web_app.client_id}, **basic_auth(machine_app.client_id)
    )

    assert_error(response, "invalid_request")
    assert "another client" in response.json()["error_description"]


def test_a_body_client_id_repeating_the_basic_one_is_accepted(client, machine_app):
    response = form_post(
        client, token_url(), {**GRANT, "client_id": machine_app.client_id}, **basic_auth(machine_app.client_id)
    )

    assert response.status_code == 200, response.content


def test_a_wrong_basic_secret_is_401_invalid_client_with_a_basic_challenge(client, machine_app):
    response = form_post(client, token_url(), GRANT, **basic_auth(machine_app.client_id, "wrong"))

    assert_error(response, "invalid_client", status=401)
    assert response["WWW-Authenticate"].startswith("Basic ")


def test_a_wrong_body_secret_is_401_invalid_client(client, machine_app):
    response = form_post(client, token_url(), {**GRANT, "client_id": machine_app.client_id, "client_secret": "wrong"})

    assert_error(response, "invalid_client", status=401)


def test_no_client_authentication_at_all_is_401_invalid_client(client, machine_app):
    response = form_post(client, token_url(), GRANT)

    assert_error(response, "invalid_client", status=401)


def test_a_confidential_client_naming_itself_without_a_secret_is_invalid_client(client, machine_app):
    response = form_post(client, token_url(), {**GRANT, "client_id": machine_app.client_id})

    assert_error(response, "invalid_client", status=401)


def test_a_bearer_authorization_header_is_no_client_authentication(client, machine_app):
    response = form_post(client, token_url(), GRANT, HTTP_AUTHORIZATION="Bearer abc")

    assert_error(response, "invalid_client", status=401)


# ERROR DESCRIPTIONS (RFC 6749 §5.2)
# --------------------------------------------------------------------------
def test_an_error_description_quoting_the_request_stays_in_the_rfc_charset(client, machine_app):
    name = 'odd"name\\é'
    response = client.post(
        token_url(),
        f"grant_type=client_credentials&{quote(name)}=1&{quote(name)}=2",
        content_type=FORM,
        **basic_auth(machine_app.client_id),
    )

    assert_error(response, "invalid_request")
    assert "section 3.1" in response.json()["error_description"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Parameter 'x' is repeated (RFC 6749 §3.1).", "Parameter 'x' is repeated (RFC 6749 section 3.1)."),
        ('a "quoted" back\\slash', "a 'quoted' back/slash"),
        ("Le paramètre est trop long", "Le parametre est trop long"),
        ("tab\tnew\nline\x00nul", "tab new linenul"),
        ("日本語 only", "only"),
    ],
)
def test_error_descriptions_are_spelled_within_the_rfc_charset(text, expected):
    assert error_description(text) == expected
    assert DESCRIPTION_CHARSET.match(error_description(text))
