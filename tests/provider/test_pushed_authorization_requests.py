"""A pushed request at the authorization endpoint (RFC 9126 §4): resolved, single use, bound, short-lived."""

from datetime import timedelta

import pytest
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from provider.models import PushedAuthorizationRequest
from provider.pushed_authorization import REQUEST_URI_PREFIX
from tests.factories import ApplicationFactory
from tests.flows import authorize_params, basic_auth, exchange_code, form_post, pkce_pair, redirect_query

pytestmark = pytest.mark.django_db

AUTHORIZE = "oauth2_provider:authorize"


def _push(app, **extra) -> tuple[str, str]:
    """Push an authorization request for ``app``; its (request_uri, code_verifier)."""
    verifier, challenge = pkce_pair()
    params = authorize_params(app, challenge=challenge, **extra)
    secret = basic_auth(app.client_id) if app.client_type == "confidential" else {}
    response = form_post(Client(), reverse("oauth2_provider:pushed-authorization"), params, **secret)
    assert response.status_code == 201, response.content
    return response.json()["request_uri"], verifier


def _approve(browser: Client, page, query: dict):
    form = {name: value for name, value in page.context["form"].initial.items() if value is not None}
    form["allow"] = "Authorize"
    return browser.post(f"{reverse(AUTHORIZE)}?{'&'.join(f'{k}={v}' for k, v in query.items())}", form)


def test_the_consent_page_shows_the_pushed_request_and_approval_issues_a_code_that_redeems(browser, web_app, client):
    request_uri, verifier = _push(web_app, scope="openid profile")
    query = {"client_id": web_app.client_id, "request_uri": request_uri}

    page = browser.get(reverse(AUTHORIZE), query)
    assert page.status_code == 200, page.content
    assert page.context["form"].initial["state"] == "state-123"
    response = _approve(browser, page, query)

    assert response.status_code == 302, response.content
    code = redirect_query(response)["code"]
    assert redirect_query(response)["state"] == "state-123"
    tokens = exchange_code(client, web_app, code, verifier)
    assert tokens.status_code == 200, tokens.content
    assert tokens.json()["scope"] == "openid profile"


def test_a_request_uri_is_used_once(browser, web_app):
    request_uri, _verifier = _push(web_app)
    query = {"client_id": web_app.client_id, "request_uri": request_uri}
    page = browser.get(reverse(AUTHORIZE), query)
    _approve(browser, page, query)

    again = browser.get(reverse(AUTHORIZE), query)

    assert again.status_code == 400
    assert again.context["error"]["error"] == "invalid_request_uri"


def test_a_second_approval_of_the_same_page_gets_no_second_code(browser, web_app):
    request_uri, _verifier = _push(web_app)
    query = {"client_id": web_app.client_id, "request_uri": request_uri}
    page = browser.get(reverse(AUTHORIZE), query)
    first = _approve(browser, page, query)

    second = _approve(browser, page, query)

    assert "code" in redirect_query(first)
    assert second.status_code == 400
    assert "code" not in second.get("Location", "")


def test_a_request_uri_presented_with_another_client_id_is_refused(browser, web_app):
    request_uri, _verifier = _push(web_app)
    other = ApplicationFactory()

    response = browser.get(reverse(AUTHORIZE), {"client_id": other.client_id, "request_uri": request_uri})

    assert response.status_code == 400
    assert response.context["error"]["error"] == "invalid_request_uri"


def test_a_request_uri_without_client_id_is_refused(browser, web_app):
    request_uri, _verifier = _push(web_app)

    response = browser.get(reverse(AUTHORIZE), {"request_uri": request_uri})

    assert response.status_code == 400
    assert response.context["error"]["error"] == "invalid_request_uri"


def test_an_unknown_request_uri_is_refused_on_a_page_not_redirected(browser, web_app):
    query = {"client_id": web_app.client_id, "request_uri": f"{REQUEST_URI_PREFIX}made-up"}

    response = browser.get(reverse(AUTHORIZE), query)

    assert response.status_code == 400
    assert response.context["error"]["error"] == "invalid_request_uri"


def test_a_request_uri_that_arrives_after_its_lifetime_is_refused(browser, web_app):
    request_uri, _verifier = _push(web_app)
    PushedAuthorizationRequest.objects.update(expires=timezone.now() - timedelta(seconds=1))

    response = browser.get(reverse(AUTHORIZE), {"client_id": web_app.client_id, "request_uri": request_uri})

    assert response.status_code == 400
    assert response.context["error"]["error"] == "invalid_request_uri"


def test_once_the_browser_arrived_the_request_outlives_the_arrival_deadline(browser, web_app):
    request_uri, _verifier = _push(web_app)
    query = {"client_id": web_app.client_id, "request_uri": request_uri}
    browser.get(reverse(AUTHORIZE), query)
    PushedAuthorizationRequest.objects.update(expires=timezone.now() - timedelta(seconds=1))

    page = browser.get(reverse(AUTHORIZE), query)

    assert page.status_code == 200, page.content


def test_a_pushed_parameter_repeated_with_the_same_value_is_accepted(browser, web_app):
    request_uri, _verifier = _push(web_app)
    query = {"client_id": web_app.client_id, "request_uri": request_uri, "response_type": "code"}

    assert browser.get(reverse(AUTHORIZE), query).status_code == 200


@pytest.mark.parametrize(
    "extra", [{"state": "changed"}, {"redirect_uri": "https://attacker.example/cb"}, {"prompt": "none"}]
)
def test_a_parameter_beside_the_request_uri_that_differs_from_the_pushed_request_is_refused(browser, web_app, extra):
    request_uri, _verifier = _push(web_app)
    query = {"client_id": web_app.client_id, "request_uri": request_uri, **extra}

    response = browser.get(reverse(AUTHORIZE), query)

    assert response.status_code == 400
    assert response.context["error"]["error"] == "invalid_request"


def test_a_signed_out_user_signs_in_and_comes_back_by_the_request_uri(client, web_app):
    request_uri, _verifier = _push(web_app)
    query = {"client_id": web_app.client_id, "request_uri": request_uri}

    response = client.get(reverse(AUTHORIZE), query)

    assert response.status_code == 302
    next_url = redirect_query(response)[REDIRECT_FIELD_NAME]
    assert "request_uri=" in next_url
    assert "redirect_uri" not in next_url
    assert "code_challenge" not in next_url


def test_a_refusal_sent_to_the_client_uses_the_request_uri_up(browser, web_app):
    request_uri, _verifier = _push(web_app)
    query = {"client_id": web_app.client_id, "request_uri": request_uri}
    page = browser.get(reverse(AUTHORIZE), query)
    form = {name: value for name, value in page.context["form"].initial.items() if value is not None}

    denied = browser.post(f"{reverse(AUTHORIZE)}?client_id={web_app.client_id}&request_uri={request_uri}", form)

    assert redirect_query(denied)["error"] == "access_denied"
    assert browser.get(reverse(AUTHORIZE), query).status_code == 400


def test_the_pushed_pages_form_posted_to_the_plain_endpoint_is_refused(browser, web_app):
    request_uri, _verifier = _push(web_app)
    page = browser.get(reverse(AUTHORIZE), {"client_id": web_app.client_id, "request_uri": request_uri})
    form = {name: value for name, value in page.context["form"].initial.items() if value is not None}
    form["allow"] = "Authorize"

    response = browser.post(reverse(AUTHORIZE), form)

    assert response.status_code == 400
    assert "code" not in response.get("Location", "")


def test_a_plain_pages_form_posted_to_a_request_uri_is_refused(browser, web_app):
    _, challenge = pkce_pair()
    page = browser.get(reverse(AUTHORIZE), authorize_params(web_app, challenge=challenge))
    form = {name: value for name, value in page.context["form"].initial.items() if value is not None}
    form["allow"] = "Authorize"
    request_uri, _verifier = _push(web_app)

    response = browser.post(f"{reverse(AUTHORIZE)}?client_id={web_app.client_id}&request_uri={request_uri}", form)

    assert response.status_code == 400
    assert "code" not in response.get("Location", "")
