"""The authorization endpoint's rows of docs/conformance.md: each parameter honoured or refused as its spec says.

Deeper behaviour has its own files (tests/provider/test_prompt_and_max_age_values.py, test_reauthentication.py,
test_auth_time.py, test_pushed_authorization_*.py, tests/accounts/test_consent_*.py); here each row of the
matrix is pinned once, by the test its last column names.
"""

import base64
import json
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import reverse
from oauth2_provider.models import get_grant_model

from consent.services import consent_record
from provider.acr import ACR_PASSWORD, ACR_VALUES_SUPPORTED
from tests.conformance.matrix import matrix_test_names
from tests.factories import USER_PASSWORD, PublicApplicationFactory
from tests.flows import FormClient, authorize_params, basic_auth, pkce_pair, redirect_query, tokens_for

pytestmark = pytest.mark.django_db

AUTHORIZE = "oauth2_provider:authorize"
SECTION = "Authorization endpoint"


def authorize(http: Client, app, **changes):
    """GET an otherwise valid code + PKCE request for ``app``; a change to None leaves the parameter out."""
    _, challenge = pkce_pair()
    params = authorize_params(app, challenge=challenge)
    for name, value in changes.items():
        if value is None:
            params.pop(name, None)
        else:
            params[name] = value
    return http.get(reverse(AUTHORIZE), params)


def error_redirect(response, app) -> dict:
    """The error sent back to the client's redirect URI, with state and RFC 9207 iss; no code was issued."""
    assert response.status_code == 302, response.content
    assert response["Location"].startswith(app.redirect_uris.split()[0] + "?")
    query = redirect_query(response)
    assert query["state"] == "state-123"
    assert query["iss"] == "http://testserver"
    assert "code" not in query
    assert not get_grant_model().objects.exists()
    return query


def error_page(response) -> dict:
    """An error shown on the provider's own page (HTTP 400), never a redirect."""
    assert response.status_code == 400
    assert "Location" not in response
    error = response.context["error"]
    return error if isinstance(error, dict) else {"error": error.error, "description": error.description}


def consent_page(response) -> None:
    assert response.status_code == 200, response.content
    assert "form" in response.context


def basic_header(app) -> str:
    return basic_auth(app.client_id)["HTTP_AUTHORIZATION"]


def claims_of(jwt_value: str) -> dict:
    payload = jwt_value.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


# response_type


def test_response_type_missing_is_invalid_request(browser, web_app):
    assert error_redirect(authorize(browser, web_app, response_type=None), web_app)["error"] == "invalid_request"


@pytest.mark.parametrize("value", ["token", "id_token", "code id_token", "code token", "none", "bogus"])
def test_response_type_other_than_code_is_unsupported_response_type(browser, web_app, value):
    query = error_redirect(authorize(browser, web_app, response_type=value), web_app)

    assert query["error"] == "unsupported_response_type"


# client_id and redirect_uri


@pytest.mark.parametrize("value", [None, "no-such-client"], ids=["missing", "unknown"])
def test_client_id_missing_or_unknown_is_a_page_never_a_redirect(browser, web_app, value):
    assert error_page(authorize(browser, web_app, client_id=value))["error"] == "invalid_request"


@pytest.mark.parametrize(
    "value",
    [
        "https://evil.example.test/callback",
        "https://client.example.test/callback/",
        "https://client.example.test/callback?x=1",
        "https://CLIENT.example.test/callback",
    ],
)
def test_redirect_uri_not_registered_exactly_is_a_page_never_a_redirect(browser, web_app, value):
    assert error_page(authorize(browser, web_app, redirect_uri=value))["error"] == "invalid_request"


def test_redirect_uri_missing_in_an_openid_request_is_a_page(browser, web_app):
    error = error_page(authorize(browser, web_app, redirect_uri=None))

    assert error["error"] == "invalid_request"
    assert "redirect_uri is required" in error["description"]


def test_redirect_uri_missing_in_an_oauth_request_uses_the_single_registered_one(browser, web_app):
    consent_page(authorize(browser, web_app, redirect_uri=None, scope="notes:read"))


# scope


def test_scope_not_allowed_to_the_client_is_invalid_scope(browser, web_app):
    assert error_redirect(authorize(browser, web_app, scope="openid admin"), web_app)["error"] == "invalid_scope"


def test_scope_missing_asks_for_the_default_scopes(browser, web_app):
    response = authorize(browser, web_app, scope=None)

    consent_page(response)
    assert response.context["form"].initial["scopes"] == ["openid"]


# state


def test_state_is_returned_with_the_code(browser, user, web_app):
    consent_record(user=user, application=web_app, requested=["openid", "profile"], approved=["openid", "profile"])

    response = authorize(browser, web_app)

    assert redirect_query(response)["state"] == "state-123"
    assert "code" in redirect_query(response)


def test_state_missing_is_allowed_and_none_is_returned(browser, user, web_app):
    consent_record(user=user, application=web_app, requested=["openid", "profile"], approved=["openid", "profile"])

    response = authorize(browser, web_app, state=None)

    assert "code" in redirect_query(response)
    assert "state" not in redirect_query(response)


# code_challenge and code_challenge_method (RFC 7636, OAuth 2.1: PKCE always, S256 only)


def test_code_challenge_missing_is_invalid_request(browser, web_app):
    response = authorize(browser, web_app, code_challenge=None, code_challenge_method=None)

    assert error_redirect(response, web_app)["error"] == "invalid_request"


@pytest.mark.parametrize("method", ["plain", None, "S512"], ids=["plain", "missing (plain)", "unknown"])
def test_code_challenge_method_other_than_s256_is_invalid_request(browser, web_app, method):
    response = authorize(browser, web_app, code_challenge_method=method)

    assert error_redirect(response, web_app)["error"] == "invalid_request"


@pytest.mark.parametrize(
    "challenge",
    ["a" * 42, "a" * 44, "a" * 128, "a" * 129, "a" * 5000, "a" * 42 + "+", "a" * 42 + "=", "a" * 42 + "B"],
    ids=["42", "44", "128", "129", "5000", "plus", "padding", "non-canonical last character"],
)
def test_code_challenge_not_a_base64url_sha256_digest_is_invalid_request(browser, web_app, challenge):
    response = authorize(browser, web_app, code_challenge=challenge)

    assert error_redirect(response, web_app)["error"] == "invalid_request"


# nonce


def test_nonce_is_echoed_in_the_id_token(browser, client, web_app):
    tokens = tokens_for(browser, client, web_app, nonce="n-0S6_WzA2Mj")

    assert claims_of(tokens["id_token"])["nonce"] == "n-0S6_WzA2Mj"


def test_nonce_missing_is_allowed_for_the_code_flow(browser, client, web_app):
    tokens = tokens_for(browser, client, web_app)

    assert "nonce" not in claims_of(tokens["id_token"])


# prompt (details: tests/provider/test_prompt_and_max_age_values.py, test_reauthentication.py)


def test_prompt_none_signed_out_is_login_required(client, web_app):
    assert error_redirect(authorize(client, web_app, prompt="none"), web_app)["error"] == "login_required"


def test_prompt_none_without_consent_is_consent_required(browser, web_app):
    assert error_redirect(authorize(browser, web_app, prompt="none"), web_app)["error"] == "consent_required"


def test_prompt_none_with_another_value_is_invalid_request(browser, web_app):
    assert error_redirect(authorize(browser, web_app, prompt="none consent"), web_app)["error"] == "invalid_request"


def test_prompt_login_sends_a_signed_in_user_to_sign_in_again(browser, web_app):
    response = authorize(browser, web_app, prompt="login")

    assert response.status_code == 302
    assert urlsplit(response["Location"]).path == reverse("login")


def test_prompt_consent_shows_the_page_despite_remembered_consent(browser, user, web_app):
    consent_record(user=user, application=web_app, requested=["openid", "profile"], approved=["openid", "profile"])

    consent_page(authorize(browser, web_app, prompt="consent"))


def test_prompt_select_account_is_account_selection_required(browser, web_app):
    query = error_redirect(authorize(browser, web_app, prompt="select_account"), web_app)

    assert query["error"] == "account_selection_required"


@pytest.mark.parametrize("value", ["create", "bogus", "NONE"])
def test_prompt_value_not_supported_is_a_400_page(browser, web_app, value):
    assert error_page(authorize(browser, web_app, prompt=value))["error"] == "invalid_request"


# max_age (details: tests/provider/test_reauthentication.py, test_auth_time.py)


@pytest.mark.parametrize("value", ["-1", "1.5", "abc", "", "1" * 11])
def test_max_age_not_a_non_negative_integer_is_invalid_request(browser, web_app, value):
    assert error_redirect(authorize(browser, web_app, max_age=value), web_app)["error"] == "invalid_request"


def test_max_age_zero_sends_the_user_to_sign_in_again(browser, web_app):
    response = authorize(browser, web_app, max_age="0")

    assert response.status_code == 302
    assert urlsplit(response["Location"]).path == reverse("login")


def test_max_age_puts_an_exact_auth_time_in_the_id_token(browser, client, web_app):
    tokens = tokens_for(browser, client, web_app, max_age="3600")

    assert isinstance(claims_of(tokens["id_token"])["auth_time"], int)


# id_token_hint


def test_id_token_hint_of_the_signed_in_user_is_honoured(browser, client, web_app):
    hint = tokens_for(browser, client, web_app)["id_token"]

    consent_page(authorize(browser, web_app, id_token_hint=hint, prompt="consent"))


def test_id_token_hint_naming_another_user_is_login_required(browser, client, other_user, web_app):
    other_browser = Client()
    other_browser.force_login(other_user)
    hint = tokens_for(other_browser, client, web_app)["id_token"]

    query = error_redirect(authorize(browser, web_app, id_token_hint=hint), web_app)

    assert query["error"] == "login_required"


@pytest.mark.parametrize("hint", ["garbage", "e30.e30.", "eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0."])
def test_id_token_hint_not_issued_here_is_invalid_request(browser, web_app, hint):
    assert error_redirect(authorize(browser, web_app, id_token_hint=hint), web_app)["error"] == "invalid_request"


def test_id_token_hint_with_a_signed_out_user_asks_to_sign_in(client, web_app, browser):
    hint = tokens_for(browser, Client(), web_app)["id_token"]

    response = authorize(client, web_app, id_token_hint=hint)

    assert urlsplit(response["Location"]).path == reverse("login")


# login_hint, ui_locales, display, acr_values, claims


def test_login_hint_prefills_the_sign_in_page(client, web_app):
    to_sign_in = authorize(client, web_app, login_hint="alice@example.test")

    page = client.get(to_sign_in["Location"])

    assert page.context["form"].initial["username"] == "alice@example.test"


def test_ui_locales_chooses_the_language_of_the_pages(browser, web_app):
    response = authorize(browser, web_app, ui_locales="fr-CA fr")

    consent_page(response)
    assert response["Content-Language"] == "fr"


@pytest.mark.parametrize("value", ["page", "popup", "touch", "wap"])
def test_display_values_of_oidc_core_are_accepted(browser, web_app, value):
    consent_page(authorize(browser, web_app, display=value))


def test_display_value_not_defined_is_invalid_request(browser, web_app):
    assert error_redirect(authorize(browser, web_app, display="tv"), web_app)["error"] == "invalid_request"


def test_an_unknown_acr_value_is_voluntary_and_the_acr_claimed_is_the_one_reached(client, user, web_app):
    browser = Client()
    browser.post(reverse("login"), {"username": "alice", "password": USER_PASSWORD})

    tokens = tokens_for(browser, client, web_app, acr_values="urn:mace:incommon:iap:silver")

    assert claims_of(tokens["id_token"])["acr"] == ACR_PASSWORD


def test_claims_well_formed_is_accepted_and_the_scopes_decide_the_claims(browser, client, web_app):
    claims = json.dumps({"id_token": {"email": {"essential": True}}})

    tokens = tokens_for(browser, client, web_app, scope="openid", claims=claims)

    assert "email" not in claims_of(tokens["id_token"])


@pytest.mark.parametrize("value", ["not json", "[]", "1"])
def test_claims_malformed_is_a_400_page(browser, web_app, value):
    assert error_page(authorize(browser, web_app, claims=value))["error"] == "invalid_request"


# request, request_uri, registration


def test_request_object_is_request_not_supported(browser, web_app):
    response = authorize(browser, web_app, request="eyJhbGciOiJub25lIn0.e30.")

    assert error_redirect(response, web_app)["error"] == "request_not_supported"


@pytest.mark.parametrize("value", ["https://client.example.test/request.jwt", "urn:ietf:params:oauth:request_uri:x"])
def test_request_uri_not_pushed_here_is_invalid_request_uri_on_a_page(browser, web_app, value):
    assert error_page(authorize(browser, web_app, request_uri=value))["error"] == "invalid_request_uri"


def test_request_uri_of_a_pushed_request_stands_for_it(browser, web_app):
    _, challenge = pkce_pair()
    pushed = FormClient().post(
        reverse("oauth2_provider:pushed-authorization"),
        authorize_params(web_app, challenge=challenge),
        HTTP_AUTHORIZATION=basic_header(web_app),
    )
    query = {"client_id": web_app.client_id, "request_uri": pushed.json()["request_uri"]}

    page = browser.get(reverse(AUTHORIZE), query)

    consent_page(page)
    assert page.context["form"].initial["state"] == "state-123"


def test_registration_is_registration_not_supported(browser, web_app):
    response = authorize(browser, web_app, registration='{"logo_uri": "https://client.example.test/logo.png"}')

    assert error_redirect(response, web_app)["error"] == "registration_not_supported"


# response_mode


def test_response_mode_query_is_accepted(browser, web_app):
    consent_page(authorize(browser, web_app, response_mode="query"))


@pytest.mark.parametrize("value", ["fragment", "form_post", "query.jwt", "bogus"])
def test_response_mode_other_than_query_is_a_400_page(browser, web_app, value):
    assert error_page(authorize(browser, web_app, response_mode=value))["error"] == "invalid_request"


# resource (RFC 8707; details: tests/provider/test_resource_indicators.py)


def test_resource_absolute_uri_is_accepted(browser, web_app):
    consent_page(authorize(browser, web_app, resource="https://api.example.test/"))


@pytest.mark.parametrize("value", ["relative/path", "https://api.example.test/#fragment"])
def test_resource_not_an_absolute_uri_without_fragment_is_invalid_target(browser, web_app, value):
    assert error_redirect(authorize(browser, web_app, resource=value), web_app)["error"] == "invalid_target"


# Parameters in general


@pytest.mark.parametrize("name", ["state", "client_id", "redirect_uri", "scope", "code_challenge", "prompt"])
def test_a_repeated_parameter_is_invalid_request_on_a_page(browser, web_app, name):
    _, challenge = pkce_pair()
    params = authorize_params(web_app, challenge=challenge, prompt="consent")
    query = "&".join(f"{key}={value}" for key, value in params.items())

    response = browser.get(f"{reverse(AUTHORIZE)}?{query}&{name}={params[name]}")

    assert error_page(response)["error"] == "invalid_request"


def test_an_unknown_parameter_is_ignored(browser, web_app):
    consent_page(authorize(browser, web_app, unknown_extension="1"))


def test_iss_is_in_every_response_to_the_client(browser, user, web_app):
    consent_record(user=user, application=web_app, requested=["openid", "profile"], approved=["openid", "profile"])

    issued = redirect_query(authorize(browser, web_app))
    refused = redirect_query(authorize(browser, web_app, scope="admin"))

    assert issued["iss"] == refused["iss"] == "http://testserver"


# Consent (issue policy; details: tests/accounts/test_remembered_consent_*.py, test_consent_form_tampering.py)


def test_remembered_consent_never_skips_the_page_for_a_public_client(browser, user):
    app = PublicApplicationFactory()
    consent_record(user=user, application=app, requested=["openid", "profile"], approved=["openid", "profile"])

    consent_page(authorize(browser, app))


def test_a_consent_form_posting_another_redirect_uri_is_refused(browser, web_app):
    page = authorize(browser, web_app)
    form = {name: value for name, value in page.context["form"].initial.items() if value is not None}

    response = browser.post(reverse(AUTHORIZE), {**form, "redirect_uri": "https://evil.example.test/", "allow": "1"})

    assert response.status_code == 400
    assert "Location" not in response


# Discovery says what the rows say


def test_discovery_states_the_authorization_parameters_as_the_matrix_does(client):
    document = client.get(reverse("oauth2_provider:oidc-connect-discovery-info")).json()

    assert document["response_types_supported"] == ["code"]
    assert document["response_modes_supported"] == ["query"]
    assert document["code_challenge_methods_supported"] == ["S256"]
    assert document["prompt_values_supported"] == ["none", "login", "consent"]
    assert document["display_values_supported"] == ["page", "popup", "touch", "wap"]
    assert document["request_parameter_supported"] is False
    assert document["request_uri_parameter_supported"] is False
    assert document["claims_parameter_supported"] is False
    assert document["authorization_response_iss_parameter_supported"] is True
    assert document["acr_values_supported"] == ACR_VALUES_SUPPORTED
    assert "pushed_authorization_request_endpoint" in document


def test_every_row_of_the_section_names_a_test_of_this_file():
    names = matrix_test_names(SECTION)

    assert names
    assert names <= {name for name in globals() if name.startswith("test_")}
