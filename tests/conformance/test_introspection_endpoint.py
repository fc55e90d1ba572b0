"""Introspection endpoint rows of docs/conformance.md (RFC 7662 §2)."""

import json

import pytest
from django.test.client import MULTIPART_CONTENT
from django.urls import reverse

from tests.factories import CLIENT_SECRET, AccessTokenFactory
from tests.flows import basic_auth, endpoint_request, form_post, tokens_for

pytestmark = pytest.mark.django_db

URL_NAME = "oauth2_provider:introspect"


def introspect_url() -> str:
    return reverse(URL_NAME)


def assert_error(response, error: str, status: int = 400) -> None:
    assert response.status_code == status, response.content
    assert response.json()["error"] == error, response.content


@pytest.mark.parametrize("hint", ["refresh_token", "made_up"])
def test_a_token_type_hint_never_hides_the_token(client, resource_server, hint):
    token = AccessTokenFactory()

    response = endpoint_request(client, URL_NAME, resource_server, {"token": token.raw_token, "token_type_hint": hint})

    assert response.status_code == 200
    assert response.json()["active"] is True


def test_a_refresh_token_is_not_described_as_an_active_access_token(browser, client, web_app, resource_server):
    tokens = tokens_for(browser, client, web_app)

    response = endpoint_request(client, URL_NAME, resource_server, {"token": tokens["refresh_token"]})

    assert response.status_code == 200
    assert response.json() == {"active": False}


def test_basic_and_a_secret_in_the_body_is_invalid_request(client, resource_server):
    response = form_post(
        client,
        introspect_url(),
        {"token": "x", "client_id": resource_server.client_id, "client_secret": CLIENT_SECRET},
        **basic_auth(resource_server.client_id),
    )

    assert_error(response, "invalid_request")


def test_a_bearer_token_and_a_secret_in_the_body_is_invalid_request(client, resource_server):
    caller = AccessTokenFactory(scope="introspection")

    response = form_post(
        client,
        introspect_url(),
        {"token": "x", "client_id": resource_server.client_id, "client_secret": CLIENT_SECRET},
        HTTP_AUTHORIZATION=f"Bearer {caller.raw_token}",
    )

    assert_error(response, "invalid_request")


def test_a_body_client_id_naming_another_client_than_basic_is_invalid_request(client, resource_server, web_app):
    response = form_post(
        client,
        introspect_url(),
        {"token": "x", "client_id": web_app.client_id},
        **basic_auth(resource_server.client_id),
    )

    assert_error(response, "invalid_request")


def test_a_multipart_body_is_invalid_request(client, resource_server):
    response = client.post(
        introspect_url(), {"token": "x"}, content_type=MULTIPART_CONTENT, **basic_auth(resource_server.client_id)
    )

    assert_error(response, "invalid_request")


def test_a_json_body_is_invalid_request(client, resource_server):
    response = client.post(
        introspect_url(),
        json.dumps({"token": "x"}),
        content_type="application/json",
        **basic_auth(resource_server.client_id),
    )

    assert_error(response, "invalid_request")


def test_the_token_in_the_query_string_of_a_post_is_invalid_request(client, resource_server):
    token = AccessTokenFactory()

    response = client.post(
        f"{introspect_url()}?token={token.raw_token}",
        "",
        content_type="application/x-www-form-urlencoded",
        **basic_auth(resource_server.client_id),
    )

    assert_error(response, "invalid_request")


def test_an_unknown_parameter_is_ignored(client, resource_server):
    token = AccessTokenFactory()

    response = endpoint_request(client, URL_NAME, resource_server, {"token": token.raw_token, "made_up": "1"})

    assert response.status_code == 200
    assert response.json()["active"] is True


def test_the_answer_is_never_cached(client, resource_server):
    response = endpoint_request(client, URL_NAME, resource_server, {"token": "x"})

    assert response["Cache-Control"] == "no-store"
    assert response.json() == {"active": False}
