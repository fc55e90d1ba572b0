"""Clients that must push their authorization requests (RFC 9126 §5): per client, or all by setting."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.flows import authorize_params, basic_auth, form_post, pkce_pair, redirect_query
from tests.idp import set_idp

pytestmark = pytest.mark.django_db

AUTHORIZE = "oauth2_provider:authorize"


def _plain_request(browser, app):
    _, challenge = pkce_pair()
    return browser.get(reverse(AUTHORIZE), authorize_params(app, challenge=challenge))


def _pushed_request(browser, app):
    _, challenge = pkce_pair()
    pushed = form_post(
        Client(),
        reverse("oauth2_provider:pushed-authorization"),
        authorize_params(app, challenge=challenge),
        **basic_auth(app.client_id),
    )
    assert pushed.status_code == 201, pushed.content
    return browser.get(reverse(AUTHORIZE), {"client_id": app.client_id, "request_uri": pushed.json()["request_uri"]})


def test_a_client_required_to_push_has_a_plain_request_refused_back_to_it(browser, web_app):
    web_app.require_pushed_authorization_requests = True
    web_app.save()

    response = _plain_request(browser, web_app)

    assert response.status_code == 302
    query = redirect_query(response)
    assert query["error"] == "invalid_request"
    assert query["state"] == "state-123"
    assert "pushed" in query["error_description"]


def test_a_client_required_to_push_gets_its_consent_page_through_a_pushed_request(browser, web_app):
    web_app.require_pushed_authorization_requests = True
    web_app.save()

    assert _pushed_request(browser, web_app).status_code == 200


def test_other_clients_keep_plain_requests(browser, web_app):
    assert _plain_request(browser, web_app).status_code == 200


def test_the_global_setting_requires_every_client_to_push_and_discovery_says_so(browser, web_app, client, settings):
    set_idp(settings, REQUIRE_PUSHED_AUTHORIZATION_REQUESTS=True)

    assert redirect_query(_plain_request(browser, web_app))["error"] == "invalid_request"
    assert _pushed_request(browser, web_app).status_code == 200
    metadata = client.get(reverse("oauth2_provider:oauth-server-metadata")).json()
    assert metadata["require_pushed_authorization_requests"] is True


def test_the_admin_form_offers_the_switch(admin_client, web_app):
    page = admin_client.get(reverse("admin:clients_application_change", args=[web_app.pk]))

    assert b'name="require_pushed_authorization_requests"' in page.content
