"""The end-session endpoint's rows of docs/conformance.md (OpenID Connect RP-Initiated Logout 1.0)."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.conformance.matrix import matrix_test_names
from tests.factories import ApplicationFactory
from tests.flows import tokens_for

pytestmark = pytest.mark.django_db

SECTION = "End-session endpoint"
SIGNED_OUT = "https://client.example.test/signed-out"


def url() -> str:
    return reverse("oauth2_provider:rp-initiated-logout")


@pytest.fixture
def id_token(browser, web_app) -> str:
    return tokens_for(browser, Client(), web_app)["id_token"]


def confirmation_page(response) -> None:
    assert response.status_code == 200, response.content
    assert "form" in response.context


def error_page(response) -> str:
    assert response.status_code == 400
    assert "Location" not in response
    error = response.context["error"]
    return error["error"] if isinstance(error, dict) else error.error


def signed_in(browser: Client) -> bool:
    return "_auth_user_id" in browser.session


def confirm(browser: Client, page):
    form = {name: value for name, value in page.context["form"].initial.items() if value is not None}
    return browser.post(url(), {**form, "allow": "true"})


def test_id_token_hint_of_the_signed_in_user_asks_for_confirmation(browser, id_token):
    confirmation_page(browser.get(url(), {"id_token_hint": id_token}))
    assert signed_in(browser)


def test_confirming_signs_out_and_redirects_with_state(browser, id_token):
    page = browser.get(url(), {"id_token_hint": id_token, "post_logout_redirect_uri": SIGNED_OUT, "state": "s-1"})

    response = confirm(browser, page)

    assert response.status_code == 302
    assert response["Location"] == f"{SIGNED_OUT}?state=s-1"
    assert not signed_in(browser)


def test_state_without_a_post_logout_redirect_uri_goes_nowhere(browser, id_token):
    page = browser.get(url(), {"id_token_hint": id_token, "state": "s-1"})

    response = confirm(browser, page)

    assert not signed_in(browser)
    assert "state" not in response.get("Location", "")


def test_id_token_hint_not_issued_here_is_a_400_page(browser):
    assert error_page(browser.get(url(), {"id_token_hint": "eyJhbGciOiJub25lIn0.e30."})) == "invalid_request"


def test_id_token_hint_of_another_user_still_asks_and_signs_out_only_this_browser(browser, web_app, other_user):
    other = Client()
    other.force_login(other_user)
    hint = tokens_for(other, Client(), web_app)["id_token"]

    confirmation_page(browser.get(url(), {"id_token_hint": hint}))
    assert signed_in(browser)


def test_a_signed_out_browser_with_a_valid_hint_is_sent_back_without_a_question(browser, id_token):
    response = Client().get(url(), {"id_token_hint": id_token, "post_logout_redirect_uri": SIGNED_OUT, "state": "s"})

    assert response.status_code == 302
    assert response["Location"] == f"{SIGNED_OUT}?state=s"


def test_client_id_with_a_registered_post_logout_redirect_uri_is_enough_to_redirect(browser, web_app):
    page = browser.get(url(), {"client_id": web_app.client_id, "post_logout_redirect_uri": SIGNED_OUT})

    assert confirm(browser, page)["Location"] == SIGNED_OUT


def test_client_id_unknown_is_a_400_page(browser):
    assert error_page(browser.get(url(), {"client_id": "no-such-client"})) == "invalid_request"


def test_client_id_not_the_id_tokens_audience_is_a_400_page(browser, id_token):
    other = ApplicationFactory()

    assert (
        error_page(browser.get(url(), {"id_token_hint": id_token, "client_id": other.client_id})) == "invalid_request"
    )


def test_post_logout_redirect_uri_without_hint_or_client_id_is_a_400_page(browser):
    assert error_page(browser.get(url(), {"post_logout_redirect_uri": SIGNED_OUT})) == "invalid_request"


@pytest.mark.parametrize(
    "value",
    [SIGNED_OUT + "/", SIGNED_OUT + "?x=1", "https://evil.example.test/signed-out", "http://[::::]/"],
)
def test_post_logout_redirect_uri_not_registered_exactly_is_a_400_page(browser, id_token, value):
    response = browser.get(url(), {"id_token_hint": id_token, "post_logout_redirect_uri": value})

    assert error_page(response) == "invalid_request"
    assert signed_in(browser)


def test_without_post_logout_redirect_uri_the_user_stays_on_the_provider(browser, id_token):
    response = confirm(browser, browser.get(url(), {"id_token_hint": id_token}))

    assert not signed_in(browser)
    assert response["Location"] == "http://testserver/"


def test_logout_hint_is_accepted_and_not_used(browser, id_token):
    confirmation_page(browser.get(url(), {"id_token_hint": id_token, "logout_hint": "someone-else"}))


def test_ui_locales_chooses_the_language_of_the_page(browser, id_token):
    response = browser.get(url(), {"id_token_hint": id_token, "ui_locales": "fr"})

    confirmation_page(response)
    assert response["Content-Language"] == "fr"


def test_a_logout_request_sent_by_post_is_answered_as_by_get(browser, id_token):
    relying_party_post = Client(enforce_csrf_checks=True)
    relying_party_post.cookies = browser.cookies

    response = relying_party_post.post(
        url(), {"id_token_hint": id_token, "post_logout_redirect_uri": SIGNED_OUT, "state": "s"}
    )

    confirmation_page(response)
    assert signed_in(browser)


def test_the_confirmation_form_without_its_csrf_token_signs_nobody_out(browser, id_token):
    forged = Client(enforce_csrf_checks=True)
    forged.cookies = browser.cookies

    response = forged.post(url(), {"id_token_hint": id_token, "allow": "true"})

    confirmation_page(response)
    assert signed_in(browser)


def test_staying_signed_in_keeps_the_session(browser, id_token):
    page = browser.get(url(), {"id_token_hint": id_token, "post_logout_redirect_uri": SIGNED_OUT})
    form = {name: value for name, value in page.context["form"].initial.items() if value is not None}

    response = browser.post(url(), form)

    assert signed_in(browser)
    assert error_page(response) == "logout_denied"


def test_a_repeated_parameter_is_a_400_page(browser, id_token):
    query = (
        f"id_token_hint={id_token}&post_logout_redirect_uri={SIGNED_OUT}&post_logout_redirect_uri=https://evil.test/"
    )

    assert error_page(browser.get(f"{url()}?{query}")) == "invalid_request"


def test_discovery_names_the_endpoint(client):
    document = client.get(reverse("oauth2_provider:oidc-connect-discovery-info")).json()

    assert document["end_session_endpoint"] == "http://testserver" + url()


def test_every_row_of_the_section_names_a_test_of_this_file():
    names = matrix_test_names(SECTION)

    assert names
    assert names <= {name for name in globals() if name.startswith("test_")}
