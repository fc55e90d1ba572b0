"""Token endpoint rows for grant_type=authorization_code (RFC 6749 §4.1.3, RFC 7636 §4.5-4.6), docs/conformance.md."""

import pytest

from tests.factories import ApplicationFactory
from tests.flows import exchange_code, obtain_code, token_request

pytestmark = pytest.mark.django_db


def assert_error(response, error: str) -> None:
    assert response.status_code == 400, response.content
    assert response.json()["error"] == error, response.content


@pytest.mark.parametrize(
    "verifier",
    [
        "a" * 42,  # too short
        "a" * 129,  # too long
        "a" * 42 + "!",  # outside the unreserved characters
        "a" * 42 + " ",
        "a" * 42 + "é",
    ],
    ids=["42 characters", "129 characters", "exclamation mark", "space", "non-ASCII"],
)
def test_a_code_verifier_rfc_7636_does_not_allow_is_invalid_request(browser, client, web_app, verifier):
    code, _ = obtain_code(browser, web_app)

    response = exchange_code(client, web_app, code, verifier)

    assert_error(response, "invalid_request")
    assert "code_verifier" in response.json()["error_description"]


def test_a_missing_code_verifier_is_invalid_request(browser, client, web_app):
    code, _ = obtain_code(browser, web_app)

    response = exchange_code(client, web_app, code, "")

    assert_error(response, "invalid_request")


def test_a_refused_code_verifier_leaves_the_code_redeemable(browser, client, web_app):
    code, verifier = obtain_code(browser, web_app)
    exchange_code(client, web_app, code, "a" * 42 + "!")

    response = exchange_code(client, web_app, code, verifier)

    assert response.status_code == 200, response.content


@pytest.mark.parametrize("length", [43, 128])
def test_a_well_formed_verifier_that_does_not_match_is_invalid_grant(browser, client, web_app, length):
    code, _ = obtain_code(browser, web_app)

    response = exchange_code(client, web_app, code, "A-._~" + "b" * (length - 5))

    assert_error(response, "invalid_grant")


def test_a_different_redirect_uri_is_invalid_grant(browser, client, web_app):
    code, verifier = obtain_code(browser, web_app)

    response = exchange_code(client, web_app, code, verifier, redirect_uri="https://client.example.test/other")

    assert_error(response, "invalid_grant")
    assert "redirect_uri" in response.json()["error_description"]


def test_an_unknown_code_is_invalid_grant(client, web_app):
    response = exchange_code(client, web_app, "made-up-code", "a" * 43)

    assert_error(response, "invalid_grant")


def test_a_code_issued_to_another_client_is_invalid_grant(browser, client, web_app):
    other = ApplicationFactory()
    code, verifier = obtain_code(browser, web_app)

    response = exchange_code(client, other, code, verifier, redirect_uri=web_app.redirect_uris)

    assert_error(response, "invalid_grant")


def test_a_missing_code_is_invalid_request(client, web_app):
    response = token_request(
        client,
        web_app,
        {"grant_type": "authorization_code", "redirect_uri": web_app.redirect_uris, "code_verifier": "a" * 43},
    )

    assert_error(response, "invalid_request")


def test_a_scope_sent_with_a_code_is_ignored_and_the_granted_scope_issued(browser, client, web_app):
    code, verifier = obtain_code(browser, web_app, scope="openid profile")

    response = exchange_code(client, web_app, code, verifier, scope="openid profile email notes:write")

    assert response.status_code == 200, response.content
    assert response.json()["scope"] == "openid profile"
