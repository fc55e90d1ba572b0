"""The UserInfo endpoint's rows of docs/conformance.md: RFC 6750 §3.1 for each refusal, OIDC Core §5.3 otherwise."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.conformance.matrix import matrix_test_names
from tests.factories import AccessTokenFactory, MachineApplicationFactory
from tests.flows import basic_auth, tokens_for

pytestmark = pytest.mark.django_db

SECTION = "UserInfo endpoint"
FORM = "application/x-www-form-urlencoded"
NO_TOKEN = 'Bearer realm="userinfo"'


def url() -> str:
    return reverse("oauth2_provider:user-info")


def header(token: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def challenge_error(response) -> str:
    """The error code, after checking the challenge and the JSON body agree on it."""
    error = response.json()["error"]
    assert response["WWW-Authenticate"].startswith(f'{NO_TOKEN},error="{error}"')
    assert response["Cache-Control"] == "no-store"
    return error


def test_a_token_in_the_header_returns_the_claims_on_get_and_post(client, user):
    token = AccessTokenFactory(user=user, scope="openid")

    got = client.get(url(), **header(token.raw_token))
    posted = client.post(url(), **header(token.raw_token))

    assert got.status_code == posted.status_code == 200
    assert got.json() == posted.json() == {"sub": str(user.pk)}
    assert got["Cache-Control"] == "no-store"


def test_the_authorization_scheme_is_case_insensitive(client, user):
    token = AccessTokenFactory(user=user, scope="openid")

    assert client.get(url(), HTTP_AUTHORIZATION=f"bEaReR {token.raw_token}").status_code == 200


def test_no_token_is_401_with_a_bare_challenge_and_no_error_code(client):
    response = client.get(url())

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == NO_TOKEN
    assert response.content == b""


def test_another_authorization_scheme_counts_as_no_token(client, web_app):
    response = client.get(url(), **basic_auth(web_app.client_id))

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == NO_TOKEN


def test_a_token_in_the_query_string_counts_as_no_token(client, user):
    token = AccessTokenFactory(user=user, scope="openid")

    response = client.get(url(), {"access_token": token.raw_token})

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == NO_TOKEN


def test_a_token_in_a_form_body_counts_as_no_token(client, user):
    token = AccessTokenFactory(user=user, scope="openid")

    response = client.post(url(), f"access_token={token.raw_token}", content_type=FORM)

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == NO_TOKEN


@pytest.mark.parametrize("value", ["Bearer", "Bearer ", "Bearer a b"])
def test_a_malformed_bearer_header_is_400_invalid_request(client, value):
    response = client.get(url(), HTTP_AUTHORIZATION=value)

    assert response.status_code == 400
    assert challenge_error(response) == "invalid_request"


@pytest.mark.parametrize("where", ["query", "body"])
def test_a_token_in_the_header_and_elsewhere_is_400_invalid_request(client, user, where):
    token = AccessTokenFactory(user=user, scope="openid")

    if where == "query":
        response = client.get(f"{url()}?access_token={token.raw_token}", **header(token.raw_token))
    else:
        response = client.post(url(), f"access_token={token.raw_token}", content_type=FORM, **header(token.raw_token))

    assert response.status_code == 400
    assert challenge_error(response) == "invalid_request"


def test_an_unknown_token_is_401_invalid_token(client):
    response = client.get(url(), **header("not-a-token-we-issued"))

    assert response.status_code == 401
    assert challenge_error(response) == "invalid_token"


def test_an_expired_token_is_401_invalid_token(client, user):
    token = AccessTokenFactory(user=user, scope="openid", expires=timezone.now() - timedelta(seconds=1))

    response = client.get(url(), **header(token.raw_token))

    assert response.status_code == 401
    assert challenge_error(response) == "invalid_token"
    assert response.json()["error_description"] == "The access token has expired."


def test_a_revoked_token_is_401_invalid_token(browser, client, web_app):
    tokens = tokens_for(browser, client, web_app, scope="openid")
    revoked = client.post(
        reverse("oauth2_provider:revoke-token"), {"token": tokens["access_token"]}, **basic_auth(web_app.client_id)
    )

    response = client.get(url(), **header(tokens["access_token"]))

    assert revoked.status_code == 200
    assert response.status_code == 401
    assert challenge_error(response) == "invalid_token"


def test_a_token_of_a_deactivated_user_is_401_invalid_token(client, user):
    token = AccessTokenFactory(user=user, scope="openid")
    user.is_active = False
    user.save()

    response = client.get(url(), **header(token.raw_token))

    assert response.status_code == 401
    assert challenge_error(response) == "invalid_token"


def test_an_id_token_sent_as_the_access_token_is_401_invalid_token(browser, client, web_app):
    id_token = tokens_for(browser, client, web_app, scope="openid")["id_token"]

    response = client.get(url(), **header(id_token))

    assert response.status_code == 401
    assert challenge_error(response) == "invalid_token"


def test_a_token_without_openid_is_403_insufficient_scope_naming_it(client, user):
    token = AccessTokenFactory(user=user, scope="profile email")

    response = client.get(url(), **header(token.raw_token))

    assert response.status_code == 403
    assert challenge_error(response) == "insufficient_scope"
    assert response["WWW-Authenticate"].endswith(',scope="openid"')
    assert response.json()["scope"] == "openid"
    assert b"email" not in response.content.replace(b"error", b"")


def test_a_token_without_a_user_is_403_insufficient_scope(client):
    token = AccessTokenFactory(user=None, application=MachineApplicationFactory(), scope="notes:read")

    response = client.get(url(), **header(token.raw_token))

    assert response.status_code == 403
    assert challenge_error(response) == "insufficient_scope"


def test_the_scopes_decide_the_claims(client, user):
    token = AccessTokenFactory(user=user, scope="openid email")

    claims = client.get(url(), **header(token.raw_token)).json()

    assert set(claims) == {"sub", "email", "email_verified"}


def test_other_methods_are_405(client, user):
    token = AccessTokenFactory(user=user, scope="openid")

    assert client.put(url(), **header(token.raw_token)).status_code == 405


def test_discovery_names_the_endpoint(client):
    document = client.get(reverse("oauth2_provider:oidc-connect-discovery-info")).json()

    assert document["userinfo_endpoint"] == "http://testserver" + url()


def test_every_row_of_the_section_names_a_test_of_this_file():
    names = matrix_test_names(SECTION)

    assert names
    assert names <= {name for name in globals() if name.startswith("test_")}
