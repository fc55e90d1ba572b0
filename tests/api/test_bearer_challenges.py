"""RFC 6750 refusals, pinned to the byte: where a token may travel, and what each bad token gets back."""

from datetime import timedelta
from urllib.parse import urlencode

import pytest
from django.urls import reverse
from django.utils import timezone

from api.challenges import bearer_challenge
from tests.flows import basic_auth

pytestmark = pytest.mark.django_db

NO_TOKEN = 'Bearer realm="api"'
FORM = "application/x-www-form-urlencoded"
INVALID = 'Bearer realm="api", error="invalid_token", error_description="The access token is invalid."'


def test_no_token_is_401_with_a_bare_challenge_and_no_error_code(client):
    response = client.get(reverse("api:me"))

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == NO_TOKEN
    assert response.json() == {
        "error": "not_authenticated",
        "error_description": "Authentication credentials were not provided.",
    }


def test_an_unknown_token_is_401_invalid_token(client):
    response = client.get(reverse("api:me"), HTTP_AUTHORIZATION="Bearer not-a-token-we-issued")

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == INVALID
    assert response.json() == {"error": "invalid_token", "error_description": "The access token is invalid."}


def test_an_expired_token_is_401_invalid_token_saying_it_expired(client, make_token, bearer):
    token = make_token("profile", expires=timezone.now() - timedelta(seconds=1))

    response = client.get(reverse("api:me"), **bearer(token))

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == (
        'Bearer realm="api", error="invalid_token", error_description="The access token has expired."'
    )
    assert response.json()["error"] == "invalid_token"


def test_a_token_revoked_at_the_revocation_endpoint_is_401_invalid_token(client, make_token, bearer, web_app):
    token = make_token("profile")
    assert client.get(reverse("api:me"), **bearer(token)).status_code == 200

    revoked = client.post(
        reverse("oauth2_provider:revoke-token"), {"token": token.raw_token}, **basic_auth(web_app.client_id)
    )
    response = client.get(reverse("api:me"), **bearer(token))

    assert revoked.status_code == 200
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == INVALID


def test_a_token_of_a_deactivated_user_is_401_invalid_token(client, make_token, bearer, user):
    token = make_token("profile")
    type(user).objects.filter(pk=user.pk).update(is_active=False)  # bypassing any signal, as a raw SQL fix would

    response = client.get(reverse("api:me"), **bearer(token))

    assert response.status_code == 401
    assert response.json()["error"] == "invalid_token"


def test_a_token_in_the_query_string_is_ignored(client, make_token):
    token = make_token("profile")

    response = client.get(reverse("api:me"), {"access_token": token.raw_token})

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == NO_TOKEN


def test_a_token_in_a_form_body_is_ignored(client, make_token):
    token = make_token("notes:write")

    response = client.post(
        reverse("api:note-list"), urlencode({"access_token": token.raw_token, "title": "sneaky"}), content_type=FORM
    )

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == NO_TOKEN


def test_a_token_in_the_header_and_the_query_string_is_400_invalid_request(client, make_token, bearer):
    token = make_token("profile")

    response = client.get(f"{reverse('api:me')}?access_token={token.raw_token}", **bearer(token))

    assert response.status_code == 400
    assert response["WWW-Authenticate"] == (
        'Bearer realm="api", error="invalid_request", '
        'error_description="Send the access token in the Authorization header only, not also in the URL or body."'
    )
    assert response.json()["error"] == "invalid_request"


def test_a_token_in_the_header_and_a_form_body_is_400_invalid_request(client, make_token, bearer):
    token = make_token("notes:write")

    response = client.post(
        reverse("api:note-list"),
        urlencode({"access_token": token.raw_token, "title": "x"}),
        content_type=FORM,
        **bearer(token),
    )

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"


@pytest.mark.parametrize("header", ["Bearer", "Bearer ", "Bearer two words"])
def test_a_malformed_bearer_header_is_400_invalid_request(client, header):
    response = client.get(reverse("api:me"), HTTP_AUTHORIZATION=header)

    assert response.status_code == 400
    assert response.json() == {
        "error": "invalid_request",
        "error_description": "Send the access token as 'Authorization: Bearer <token>'.",
    }
    assert 'error="invalid_request"' in response["WWW-Authenticate"]


def test_the_scheme_name_is_case_insensitive(client, make_token):
    token = make_token("profile")

    response = client.get(reverse("api:me"), HTTP_AUTHORIZATION=f"bearer {token.raw_token}")

    assert response.status_code == 200


def test_another_authorization_scheme_counts_as_no_token(client, web_app):
    response = client.get(reverse("api:me"), **basic_auth(web_app.client_id))

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == NO_TOKEN


def test_challenge_values_are_escaped_so_they_cannot_break_the_header():
    challenge = bearer_challenge(error="invalid_token", error_description='say "hi"\r\nSet-Cookie: x=1 \\ end')

    assert challenge == (
        'Bearer realm="api", error="invalid_token", error_description="say \\"hi\\"Set-Cookie: x=1 \\\\ end"'
    )
