"""RFC 7636 §4.2: with S256 the only method, a code_challenge is exactly 43 base64url characters.

Anything else is refused with an invalid_request error redirect while the request is validated,
before any sign-in or consent page, and never reaches the database (DOT's column holds 128
characters: a longer value was a 500 on PostgreSQL).
"""

import base64
import hashlib

import pytest
from django.urls import reverse
from oauth2_provider.models import get_grant_model

from tests.flows import authorize_params, exchange_code, obtain_code, pkce_pair, redirect_query

pytestmark = pytest.mark.django_db

VALID = base64.urlsafe_b64encode(hashlib.sha256(b"verifier").digest()).rstrip(b"=").decode()


@pytest.mark.parametrize(
    "challenge",
    [
        pytest.param("a" * 129, id="longer than DOT's column"),
        pytest.param("a" * 4000, id="far longer"),
        pytest.param(VALID[:-1], id="42 characters"),
        pytest.param(VALID + "A", id="44 characters"),
        pytest.param(VALID[:-1] + "+", id="base64 not base64url"),
        pytest.param(VALID[:-1] + "=", id="padding"),
        pytest.param(VALID[:-1] + ".", id="plain-method alphabet"),
        pytest.param("a" * 128, id="a valid plain challenge"),
        pytest.param(VALID[:-1] + "B", id="non-canonical final character"),
        pytest.param("", id="empty"),
    ],
)
def test_a_malformed_s256_challenge_is_an_invalid_request_redirect(browser, web_app, challenge):
    response = browser.get(reverse("oauth2_provider:authorize"), authorize_params(web_app, challenge=challenge))

    assert response.status_code == 302
    assert response["Location"].startswith(web_app.redirect_uris + "?")
    query = redirect_query(response)
    assert query["error"] == "invalid_request"
    assert "code_challenge" in query["error_description"]
    assert query["state"] == "state-123"
    assert not get_grant_model().objects.exists()


def test_a_malformed_challenge_is_refused_before_the_sign_in_page(client, web_app):
    response = client.get(reverse("oauth2_provider:authorize"), authorize_params(web_app, challenge="a" * 129))

    assert response.status_code == 302
    assert redirect_query(response)["error"] == "invalid_request"


def test_a_well_formed_challenge_gets_the_consent_page(browser, web_app):
    _, challenge = pkce_pair()

    response = browser.get(reverse("oauth2_provider:authorize"), authorize_params(web_app, challenge=challenge))

    assert response.status_code == 200
    assert "form" in response.context


def test_the_canonical_challenge_of_a_verifier_still_buys_tokens(browser, client, web_app):
    code, verifier = obtain_code(browser, web_app)

    response = exchange_code(client, web_app, code, verifier)

    assert response.status_code == 200, response.content
