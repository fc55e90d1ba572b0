"""No open redirect anywhere: sign-in and sign-out ``next``, RP-initiated logout and error pages.

OWASP ASVS 5 V3.7.2 / RFC 9700 §4.11: the provider only ever redirects to itself or to a URI an admin
registered for the client, whatever a link or form names.
"""

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import USER_PASSWORD
from tests.flows import authorize_params, consent, pkce_pair, tokens_for

pytestmark = pytest.mark.django_db

HOSTILE_NEXT = [
    "https://evil.test/",
    "http://evil.test",
    "//evil.test/",
    "///evil.test/",
    "/\\evil.test/",
    "\\\\evil.test/",
    "https:evil.test",
    "http://testserver@evil.test/",
    "javascript:alert(document.cookie)",
    "data:text/html,<script>alert(1)</script>",
    "https://testserver.evil.test/",
]


def location_is_ours(response) -> bool:
    location = response["Location"]
    return location.startswith("/") and not location.startswith(("//", "/\\"))


@pytest.mark.parametrize("next_url", HOSTILE_NEXT)
def test_signing_in_never_follows_a_foreign_next(client, user, next_url):
    response = client.post(reverse("login"), {"username": "alice", "password": USER_PASSWORD, "next": next_url})

    assert response.status_code == 302
    assert response["Location"] == reverse("home")


@pytest.mark.parametrize("next_url", HOSTILE_NEXT)
def test_the_sign_in_page_never_offers_a_foreign_next(client, next_url):
    page = client.get(reverse("login"), {"next": next_url})

    assert page.status_code == 200
    assert "evil.test" not in page.context.get("next", "")
    assert "javascript:" not in page.context.get("next", "")


def test_signing_in_follows_a_next_on_this_site(client, user):
    target = reverse("oauth2_provider:authorize") + "?client_id=x"

    response = client.post(reverse("login"), {"username": "alice", "password": USER_PASSWORD, "next": target})

    assert response["Location"] == target


@pytest.mark.parametrize("next_url", HOSTILE_NEXT)
def test_signing_out_never_follows_a_foreign_next(browser, next_url):
    response = browser.post(reverse("logout"), {"next": next_url})

    assert response.status_code in {200, 302}
    if response.status_code == 302:
        assert location_is_ours(response)


@pytest.mark.parametrize("uri", ["https://evil.test/", "//evil.test/", "javascript:alert(1)"])
def test_rp_initiated_logout_never_goes_to_an_unregistered_uri(browser, client, web_app, uri):
    id_token = tokens_for(browser, client, web_app)["id_token"]

    response = browser.get(
        reverse("oauth2_provider:rp-initiated-logout"), {"id_token_hint": id_token, "post_logout_redirect_uri": uri}
    )

    assert response.status_code == 400
    assert not response.has_header("Location")


@pytest.mark.parametrize("client_id", ["no-such-client", None])
def test_an_authorization_error_with_a_foreign_redirect_uri_stays_on_our_page(browser, web_app, client_id):
    _, challenge = pkce_pair()
    params = authorize_params(web_app, challenge=challenge, redirect_uri="https://evil.test/cb")
    if client_id:
        params["client_id"] = client_id

    response = browser.get(reverse("oauth2_provider:authorize"), params)

    assert response.status_code == 400
    assert not response.has_header("Location")


def test_an_authorization_error_for_a_valid_request_goes_only_to_the_registered_uri(browser, web_app):
    _, challenge = pkce_pair()

    response = browser.get(
        reverse("oauth2_provider:authorize"), authorize_params(web_app, challenge=challenge, scope="no-such-scope")
    )

    assert response.status_code == 302
    assert response["Location"].startswith(web_app.redirect_uris + "?")
    assert "error=invalid_scope" in response["Location"]


def test_denying_consent_goes_only_to_the_registered_uri(browser, web_app):
    _, challenge = pkce_pair()

    response = consent(browser, web_app, challenge=challenge, allow=False)

    assert response.status_code == 302
    assert response["Location"].startswith(web_app.redirect_uris + "?")
    assert "error=access_denied" in response["Location"]


def test_a_signed_out_visitor_is_sent_to_our_sign_in_page_only(web_app):
    _, challenge = pkce_pair()

    response = Client().get(reverse("oauth2_provider:authorize"), authorize_params(web_app, challenge=challenge))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login") + "?next=/o/authorize/")
