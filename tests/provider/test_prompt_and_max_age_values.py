"""OIDC Core §3.1.2.1: which prompt and max_age values are accepted, and the answer to each one that is not.

Checked while the request is validated, before any page: an error redirect to the client with
``state``, except a prompt value the server does not support, which OIDC Prompt Create 1.0 §4.1
answers with HTTP 400 ``invalid_request`` and no redirect.
"""

import pytest
from django.urls import reverse
from oauth2_provider.models import get_grant_model

from tests.flows import authorize_params, pkce_pair, redirect_query

pytestmark = pytest.mark.django_db


def authorize(http, app, **extra):
    _, challenge = pkce_pair()
    return http.get(reverse("oauth2_provider:authorize"), authorize_params(app, challenge=challenge, **extra))


def assert_error_redirect(response, app, error: str) -> dict:
    assert response.status_code == 302
    assert response["Location"].startswith(app.redirect_uris + "?")
    query = redirect_query(response)
    assert query["error"] == error
    assert query["state"] == "state-123"
    assert "code" not in query
    assert not get_grant_model().objects.exists()
    return query


def test_discovery_lists_exactly_the_prompt_values_honoured(client):
    document = client.get(reverse("oauth2_provider:oidc-connect-discovery-info")).json()

    assert document["prompt_values_supported"] == ["none", "login", "consent"]


@pytest.mark.parametrize("signed_in", [True, False], ids=["signed in", "signed out"])
def test_select_account_is_account_selection_required(client, user, web_app, signed_in):
    if signed_in:
        client.force_login(user)

    response = authorize(client, web_app, prompt="select_account")

    assert_error_redirect(response, web_app, "account_selection_required")


@pytest.mark.parametrize("prompt", ["none login", "none consent", "none select_account", "none bogus", "login none"])
@pytest.mark.parametrize("scope", ["openid profile", "profile"], ids=["openid", "plain oauth"])
def test_none_with_any_other_value_is_invalid_request(browser, web_app, prompt, scope):
    response = authorize(browser, web_app, scope=scope, prompt=prompt)

    query = assert_error_redirect(response, web_app, "invalid_request")
    assert "none" in query["error_description"]


@pytest.mark.parametrize("prompt", ["bogus", "login bogus", "Login", "create"])
@pytest.mark.parametrize("signed_in", [True, False], ids=["signed in", "signed out"])
def test_an_unsupported_prompt_value_is_a_400_invalid_request(client, user, web_app, prompt, signed_in):
    if signed_in:
        client.force_login(user)

    response = authorize(client, web_app, prompt=prompt)

    assert response.status_code == 400
    assert not response.has_header("Location")
    assert b"invalid_request" in response.content
    assert b"Unsupported prompt value" in response.content


@pytest.mark.parametrize("max_age", ["-1", "1.5", "abc", "", " 60", "+60", "1e3", "\u0661", "12345678901"])
@pytest.mark.parametrize("signed_in", [True, False], ids=["signed in", "signed out"])
def test_a_malformed_max_age_is_invalid_request(client, user, web_app, max_age, signed_in):
    if signed_in:
        client.force_login(user)

    response = authorize(client, web_app, max_age=max_age)

    query = assert_error_redirect(response, web_app, "invalid_request")
    assert "max_age" in query["error_description"]


@pytest.mark.parametrize("max_age", ["0", "60", "007", "3600"])
def test_a_well_formed_max_age_is_accepted(browser, web_app, max_age):
    response = authorize(browser, web_app, max_age=max_age)

    # The consent page, or (max_age=0) the sign-in page: never an error for the client.
    assert response.status_code in {200, 302}
    assert "error=" not in response.get("Location", "")


def test_prompt_create_is_dots_when_registration_is_enabled(client, settings, web_app):
    settings.OAUTH2_PROVIDER = {
        **settings.OAUTH2_PROVIDER,
        "OIDC_RP_INITIATED_REGISTRATION_ENABLED": True,
        "OIDC_RP_INITIATED_REGISTRATION_URL": "/accounts/sign-up/",
    }

    response = authorize(client, web_app, prompt="create")
    document = client.get(reverse("oauth2_provider:oidc-connect-discovery-info")).json()

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/sign-up/?next=")
    assert document["prompt_values_supported"] == ["none", "login", "consent", "create"]
