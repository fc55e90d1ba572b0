"""Revocation endpoint rows of docs/conformance.md (RFC 7009 §2)."""

import json

import pytest
from django.test.client import MULTIPART_CONTENT
from django.urls import reverse

from tests.factories import CLIENT_SECRET, AccessTokenFactory
from tests.flows import basic_auth, endpoint_request, form_post, tokens_for

pytestmark = pytest.mark.django_db

URL_NAME = "oauth2_provider:revoke-token"


def revoke_url() -> str:
    return reverse(URL_NAME)


def assert_error(response, error: str, status: int = 400) -> None:
    assert response.status_code == status, response.content
    assert response.json()["error"] == error, response.content


def bearer_works(client, access_token: str) -> bool:
    response = client.get(reverse("oauth2_provider:user-info"), HTTP_AUTHORIZATION=f"Bearer {access_token}")
    return response.status_code == 200


@pytest.mark.parametrize("hint", ["made_up", "id_token", ""])
def test_an_unknown_token_type_hint_still_revokes_the_token(browser, client, web_app, hint):
    tokens = tokens_for(browser, client, web_app)

    response = endpoint_request(client, URL_NAME, web_app, {"token": tokens["access_token"], "token_type_hint": hint})

    assert response.status_code == 200, response.content
    assert not bearer_works(client, tokens["access_token"])


def test_an_id_token_presented_for_revocation_answers_200_and_revokes_nothing(browser, client, web_app):
    tokens = tokens_for(browser, client, web_app)

    response = endpoint_request(client, URL_NAME, web_app, {"token": tokens["id_token"]})

    assert response.status_code == 200
    assert bearer_works(client, tokens["access_token"])


def test_basic_and_a_secret_in_the_body_is_invalid_request(client, web_app):
    token = AccessTokenFactory(application=web_app)

    response = form_post(
        client,
        revoke_url(),
        {"token": token.raw_token, "client_id": web_app.client_id, "client_secret": CLIENT_SECRET},
        **basic_auth(web_app.client_id),
    )

    assert_error(response, "invalid_request")


def test_a_body_client_id_naming_another_client_than_basic_is_invalid_request(client, web_app, public_app):
    token = AccessTokenFactory(application=web_app)

    response = form_post(
        client,
        revoke_url(),
        {"token": token.raw_token, "client_id": public_app.client_id},
        **basic_auth(web_app.client_id),
    )

    assert_error(response, "invalid_request")


def test_a_multipart_body_is_invalid_request(client, web_app):
    response = client.post(
        revoke_url(), {"token": "x"}, content_type=MULTIPART_CONTENT, **basic_auth(web_app.client_id)
    )

    assert_error(response, "invalid_request")


def test_a_json_body_is_invalid_request(client, web_app):
    response = client.post(
        revoke_url(), json.dumps({"token": "x"}), content_type="application/json", **basic_auth(web_app.client_id)
    )

    assert_error(response, "invalid_request")


def test_the_token_in_the_query_string_is_invalid_request(client, web_app):
    token = AccessTokenFactory(application=web_app)

    response = client.post(
        f"{revoke_url()}?token={token.raw_token}",
        "",
        content_type="application/x-www-form-urlencoded",
        **basic_auth(web_app.client_id),
    )

    assert_error(response, "invalid_request")
    assert bearer_works(client, token.raw_token)


def test_a_repeated_token_parameter_is_invalid_request(client, web_app):
    response = client.post(
        revoke_url(),
        "token=a&token=b",
        content_type="application/x-www-form-urlencoded",
        **basic_auth(web_app.client_id),
    )

    assert_error(response, "invalid_request")


def test_a_wrong_basic_secret_is_401_invalid_client_with_a_basic_challenge(client, web_app):
    response = endpoint_request(client, URL_NAME, web_app, {"token": "x"}, secret="wrong")

    assert_error(response, "invalid_client", status=401)
    assert response["WWW-Authenticate"].startswith("Basic ")
