"""Only access tokens open the API: a refresh token or an ID token presented as a bearer token is refused."""

import pytest
from django.urls import reverse

from tests.flows import exchange_code, obtain_code

pytestmark = pytest.mark.django_db

INVALID = 'Bearer realm="api", error="invalid_token", error_description="The access token is invalid."'


@pytest.fixture
def issued(browser, web_app, client) -> dict:
    """The token response of a real code flow (consent, PKCE, exchange) for openid and profile."""
    code, verifier = obtain_code(browser, web_app, scope="openid profile")
    response = exchange_code(client, web_app, code, verifier)
    assert response.status_code == 200, response.content
    return response.json()


def test_the_access_token_from_a_real_flow_opens_the_api(client, issued):
    response = client.get(reverse("api:me"), HTTP_AUTHORIZATION=f"Bearer {issued['access_token']}")

    assert response.status_code == 200
    assert response.json()["username"] == "alice"


@pytest.mark.parametrize("kind", ["refresh_token", "id_token"])
def test_a_refresh_or_id_token_used_as_bearer_is_401_invalid_token(client, issued, kind):
    response = client.get(reverse("api:me"), HTTP_AUTHORIZATION=f"Bearer {issued[kind]}")

    assert response.status_code == 401
    # An ID token is a JWT: it is refused on its own evidence, its type, before any lookup.
    expected = (
        INVALID
        if kind == "refresh_token"
        else INVALID.replace(
            "The access token is invalid.", "The token is not an access token (its 'typ' is not 'at+jwt')."
        )
    )
    assert response["WWW-Authenticate"] == expected
    assert response.json()["error"] == "invalid_token"
