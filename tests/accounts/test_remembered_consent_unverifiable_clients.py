"""RFC 6749 §10.2, RFC 8252 §8.6: remembered consent never skips the page for a client whose identity is unproven.

A public client, or any client receiving its code on a loopback address (a native app), can be
impersonated by another app that sends its client_id: the user sees the consent page every time,
and prompt=none gets consent_required. A client an admin marked trusted keeps skipping the page.
"""

import pytest
from django.urls import reverse
from oauth2_provider.models import get_grant_model

from consent.services import consent_record
from tests.factories import ApplicationFactory, PublicApplicationFactory
from tests.flows import authorize_params, pkce_pair, redirect_query

pytestmark = pytest.mark.django_db

SCOPES = ["openid", "profile"]


def authorize(browser, app, **extra):
    _, challenge = pkce_pair()
    params = authorize_params(app, challenge=challenge, scope=" ".join(SCOPES), **extra)
    return browser.get(reverse("oauth2_provider:authorize"), params)


def remembered(user, app):
    consent_record(user=user, application=app, requested=SCOPES, approved=SCOPES)
    return app


UNVERIFIABLE = {
    "public client": (PublicApplicationFactory, "http://127.0.0.1:8765/callback"),
    "public SPA": (PublicApplicationFactory, "https://spa.example.test/cb"),
    "confidential loopback": (ApplicationFactory, "http://127.0.0.1:9000/cb"),
    "confidential IPv6 loopback": (ApplicationFactory, "http://[::1]:9000/cb"),
    "confidential localhost": (ApplicationFactory, "http://localhost:9000/cb"),
}


@pytest.fixture(params=UNVERIFIABLE.values(), ids=UNVERIFIABLE.keys())
def unverifiable_app(request, db):
    factory, redirect_uri = request.param
    return factory(redirect_uris=redirect_uri)


def test_remembered_consent_still_shows_the_page(browser, user, unverifiable_app):
    remembered(user, unverifiable_app)

    response = authorize(browser, unverifiable_app)

    assert response.status_code == 200
    assert "form" in response.context
    assert not get_grant_model().objects.exists()


def test_prompt_none_with_remembered_consent_is_consent_required(browser, user, unverifiable_app):
    remembered(user, unverifiable_app)

    response = authorize(browser, unverifiable_app, prompt="none")

    assert response.status_code == 302
    assert response["Location"].startswith(unverifiable_app.redirect_uris + "?")
    query = redirect_query(response)
    assert query["error"] == "consent_required"
    assert query["state"] == "state-123"
    assert not get_grant_model().objects.exists()


def test_a_confidential_client_on_https_still_skips_the_page(browser, user, web_app):
    remembered(user, web_app)

    assert "code" in redirect_query(authorize(browser, web_app))


@pytest.mark.parametrize("prompt", [{}, {"prompt": "none"}], ids=["interactive", "prompt=none"])
def test_a_trusted_public_client_keeps_skipping_the_page(browser, prompt):
    trusted = PublicApplicationFactory(skip_authorization=True)

    response = authorize(browser, trusted, **prompt)

    assert response.status_code == 302
    assert "code" in redirect_query(response)
