"""With the database unreachable every endpoint answers 503: JSON for protocols, a page for people."""

import json

import pytest
from django.db import OperationalError
from django.test import RequestFactory
from django.urls import reverse

from config.database_outage import server_error
from tests.factories import AccessTokenFactory
from tests.faults.outage import database_down
from tests.flows import authorize_params, basic_auth, pkce_pair

pytestmark = pytest.mark.django_db


def assert_json_503(response) -> None:
    assert response.status_code == 503, response.content
    assert response["Content-Type"] == "application/json"
    assert json.loads(response.content) == {
        "error": "temporarily_unavailable",
        "error_description": "The server cannot reach its database right now. Retry shortly.",
    }
    assert response["Retry-After"] == "5"
    assert response["Cache-Control"] == "no-store"


def test_token_endpoint_answers_503_json(client, web_app):
    with database_down():
        response = client.post(
            reverse("oauth2_provider:token"),
            {"grant_type": "refresh_token", "refresh_token": "x"},
            **basic_auth(web_app.client_id),
        )

    assert_json_503(response)


@pytest.mark.parametrize("url_name", ["oauth2_provider:revoke-token", "oauth2_provider:introspect"])
def test_revocation_and_introspection_answer_503_json(client, web_app, url_name):
    with database_down():
        response = client.post(reverse(url_name), {"token": "x"}, **basic_auth(web_app.client_id))

    assert_json_503(response)


@pytest.mark.parametrize("url_name", ["oauth2_provider:user-info", "api:me"])
def test_bearer_endpoints_answer_503_json(client, url_name):
    token = AccessTokenFactory()

    with database_down():
        response = client.get(reverse(url_name), HTTP_AUTHORIZATION=f"Bearer {token.raw_token}")

    assert_json_503(response)


def test_a_protocol_endpoint_answers_json_even_to_a_browser(client, web_app):
    with database_down():
        response = client.post(
            reverse("oauth2_provider:token"), {"grant_type": "client_credentials"}, HTTP_ACCEPT="text/html"
        )

    assert_json_503(response)


def test_a_browser_page_gets_a_readable_503_page(browser, web_app):
    _, challenge = pkce_pair()

    with database_down():
        response = browser.get(
            reverse("oauth2_provider:authorize"),
            authorize_params(web_app, challenge=challenge),
            HTTP_ACCEPT="text/html",
        )

    assert response.status_code == 503
    assert response["Content-Type"].startswith("text/html")
    assert response["Retry-After"] == "5"
    assert b"Temporarily unavailable" in response.content
    assert b"Traceback" not in response.content


def test_even_with_debug_on_no_debug_page_is_shown(client, web_app, settings):
    settings.DEBUG = True

    with database_down():
        response = client.post(reverse("oauth2_provider:token"), {"grant_type": "client_credentials"})

    assert_json_503(response)
    assert b"Traceback" not in response.content


def test_an_error_outside_any_view_is_a_503_too():
    request = RequestFactory().post("/o/token/")

    try:
        raise OperationalError("server closed the connection unexpectedly")
    except OperationalError:
        response = server_error(request)

    assert_json_503(response)


def test_other_server_errors_stay_500():
    request = RequestFactory().get("/")

    try:
        raise RuntimeError("a bug")
    except RuntimeError:
        response = server_error(request)

    assert response.status_code == 500


def test_the_app_answers_normally_once_the_database_is_back(client):
    token = AccessTokenFactory()
    with database_down():
        assert (
            client.get(
                reverse("oauth2_provider:user-info"), HTTP_AUTHORIZATION=f"Bearer {token.raw_token}"
            ).status_code
            == 503
        )

    response = client.get(reverse("oauth2_provider:user-info"), HTTP_AUTHORIZATION=f"Bearer {token.raw_token}")

    assert response.status_code == 200
