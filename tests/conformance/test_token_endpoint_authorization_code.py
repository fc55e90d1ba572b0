"""Token endpoint rows for grant_type=authorization_code (RFC 6749 §4.1.3, RFC 7636 §4.5-4.6), docs/conformance.md."""

import pytest
from django.urls import reverse

from tests.factories import ApplicationFactory
from tests.flows import authorize_params, exchange_code, obtain_code, pkce_pair, redirect_query, token_request

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


def code_without_redirect_uri(browser, app) -> tuple[str, str]:
    """A code from a plain OAuth request that leaves redirect_uri out (the single registered one is used)."""
    verifier, challenge = pkce_pair()
    params = authorize_params(app, challenge=challenge, scope="notes:read")
    del params["redirect_uri"]
    page = browser.get(reverse("oauth2_provider:authorize"), params)
    assert page.status_code == 200, page.content
    form = {name: value for name, value in page.context["form"].initial.items() if value is not None}
    response = browser.post(reverse("oauth2_provider:authorize"), {**form, "allow": "Authorize"})
    assert response.status_code == 302, response.content
    return redirect_query(response)["code"], verifier


def exchange_without_redirect_uri(client, app, code: str, verifier: str):
    data = {"grant_type": "authorization_code", "code": code, "code_verifier": verifier}
    return token_request(client, app, data)


def test_a_redirect_uri_left_out_although_the_authorization_request_named_it_is_invalid_request(
    browser, client, web_app
):
    code, verifier = obtain_code(browser, web_app, scope="notes:read")

    response = exchange_without_redirect_uri(client, web_app, code, verifier)

    assert_error(response, "invalid_request")
    assert "redirect_uri" in response.json()["error_description"]
    assert exchange_code(client, web_app, code, verifier).status_code == 200  # the refusal left the code unused


def test_a_redirect_uri_left_out_of_both_requests_is_accepted(browser, client, web_app):
    code, verifier = code_without_redirect_uri(browser, web_app)

    response = exchange_without_redirect_uri(client, web_app, code, verifier)

    assert response.status_code == 200, response.content


def test_a_redirect_uri_named_only_at_the_token_request_must_be_the_registered_one(browser, client, web_app):
    code, verifier = code_without_redirect_uri(browser, web_app)

    response = exchange_code(client, web_app, code, verifier, redirect_uri="https://client.example.test/other")

    assert_error(response, "invalid_grant")


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
