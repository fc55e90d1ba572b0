"""Nothing posted by the consent form can change where the user is sent or what the code is for.

The page carries the validated authorization request twice: in DOT's hidden fields and, signed
with the user it was shown to, in ``authorization`` (consent.forms). A POST whose hidden fields
differ from the signed copy, that comes from another user, that is posted to another query than the
page's, or whose page is too old, is refused with invalid_request: no redirect, no code.
"""

import time

import pytest
from django.core import signing
from django.test import Client
from django.urls import reverse
from oauth2_provider.models import get_grant_model

from consent.forms import CONSENT_PAGE_MAX_AGE_SECONDS, SIGNING_SALT
from provider.authentication import AUTH_TIME_SESSION_KEY
from tests.factories import ApplicationFactory
from tests.flows import authorize_params, exchange_code, pkce_pair, redirect_query

pytestmark = pytest.mark.django_db

CALLBACK = "https://client.example.test/callback"
OTHER_CALLBACK = "https://client.example.test/other-callback"


@pytest.fixture
def two_uri_app(db):
    """A client with two registered redirect URIs: the page is for the first."""
    return ApplicationFactory(redirect_uris=f"{CALLBACK} {OTHER_CALLBACK}")


def consent_page(browser: Client, app, **extra):
    verifier, challenge = pkce_pair()
    params = authorize_params(app, challenge=challenge, nonce="n-page", **extra)
    page = browser.get(reverse("oauth2_provider:authorize"), params)
    assert page.status_code == 200, page
    return page, verifier


def posted(page, **overrides) -> dict:
    """What the browser sends for ``page`` when the user presses Allow, with ``overrides`` edited in."""
    form = {name: value for name, value in page.context["form"].initial.items() if value is not None}
    return {**form, "allow": "Authorize", **overrides}


def assert_refused(response) -> None:
    assert response.status_code == 400
    assert not response.has_header("Location")
    assert b"invalid_request" in response.content
    assert not get_grant_model().objects.exists()


_, OTHER_CHALLENGE = pkce_pair()
TAMPERED = {
    "redirect_uri": OTHER_CALLBACK,
    "client_id": "another-client",
    "state": "forged-state",
    "response_type": "code id_token",
    "scope": "openid profile notes:write",
    "nonce": "forged-nonce",
    "code_challenge": OTHER_CHALLENGE,
    "code_challenge_method": "plain",
    "claims": '{"id_token": {"email": null}}',
    "resource": "https://evil.example.test/api",
    "authorization": "not-a-signed-request",
}


@pytest.mark.parametrize(("field", "value"), TAMPERED.items(), ids=TAMPERED.keys())
def test_an_edited_hidden_field_is_refused(browser, two_uri_app, field, value):
    ApplicationFactory(client_id="another-client", redirect_uris=two_uri_app.redirect_uris)
    page, _ = consent_page(browser, two_uri_app)

    response = browser.post(reverse("oauth2_provider:authorize"), posted(page, **{field: value}))

    assert_refused(response)


@pytest.mark.parametrize("field", [*TAMPERED.keys()], ids=TAMPERED.keys())
def test_a_hidden_field_left_out_or_emptied_is_refused_unless_it_was_empty(browser, web_app, field):
    page, _ = consent_page(browser, web_app)
    form = posted(page)
    form.pop(field, None)

    response = browser.post(reverse("oauth2_provider:authorize"), form)

    if page.context["form"].initial.get(field):
        assert_refused(response)
    else:  # claims and resource were empty on the page: leaving them out changes nothing
        assert response.status_code == 302
        assert "code" in redirect_query(response)


def test_the_untouched_form_issues_the_code_for_the_page_request(browser, client, two_uri_app):
    page, verifier = consent_page(browser, two_uri_app)

    response = browser.post(reverse("oauth2_provider:authorize"), posted(page))

    assert response["Location"].startswith(CALLBACK + "?")
    query = redirect_query(response)
    assert query["state"] == "state-123"
    grant = get_grant_model().objects.get()
    assert (grant.redirect_uri, grant.nonce, grant.scope) == (CALLBACK, "n-page", "openid profile")
    assert exchange_code(client, two_uri_app, query["code"], verifier).status_code == 200


def test_a_browser_post_to_the_page_address_issues_the_code(browser, web_app):
    page, _ = consent_page(browser, web_app)

    # A browser posts the form to the page's own address, query string included.
    response = browser.post(page.wsgi_request.get_full_path(), posted(page))

    assert "code" in redirect_query(response)


@pytest.mark.parametrize(
    "edit",
    [
        lambda query: query + "&response_mode=fragment",
        lambda query: query.replace("state-123", "forged-state"),
        lambda query: query.replace("https%3A%2F%2Fclient.example.test%2Fcallback", "https%3A%2F%2Fevil.test%2Fcb"),
    ],
    ids=["response_mode added", "state edited", "redirect_uri edited"],
)
def test_a_post_to_another_query_than_the_pages_is_refused(browser, web_app, edit):
    page, _ = consent_page(browser, web_app)
    query = page.wsgi_request.META["QUERY_STRING"]

    response = browser.post(f"{reverse('oauth2_provider:authorize')}?{edit(query)}", posted(page))

    assert_refused(response)


def test_another_users_post_of_the_page_is_refused(browser, other_user, web_app):
    page, _ = consent_page(browser, web_app)
    bob = Client()
    bob.force_login(other_user)

    response = bob.post(reverse("oauth2_provider:authorize"), posted(page))

    assert_refused(response)


class _SignedLongAgo(signing.TimestampSigner):
    def timestamp(self) -> str:
        return signing.b62_encode(int(time.time()) - CONSENT_PAGE_MAX_AGE_SECONDS - 60)


def test_a_page_older_than_its_lifetime_is_refused(browser, web_app):
    page, _ = consent_page(browser, web_app)
    form = posted(page)
    payload = signing.loads(form["authorization"], salt=SIGNING_SALT)

    stale = _SignedLongAgo(salt=SIGNING_SALT).sign_object(payload, compress=True)
    response = browser.post(reverse("oauth2_provider:authorize"), {**form, "authorization": stale})

    assert_refused(response)
    assert b"expired" in response.content


def test_max_age_is_checked_again_when_the_code_is_issued(browser, web_app):
    page, _ = consent_page(browser, web_app, max_age="300")
    session = browser.session
    session[AUTH_TIME_SESSION_KEY] = time.time() - 600  # the user left the page open for ten minutes
    session.save()

    response = browser.post(reverse("oauth2_provider:authorize"), posted(page))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login") + "?next=")
    assert not get_grant_model().objects.exists()
    back = browser.get(reverse("oauth2_provider:authorize") + "?" + page.wsgi_request.META["QUERY_STRING"])
    assert back.status_code == 302
    assert back["Location"] == response["Location"]
