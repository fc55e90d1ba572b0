"""The userinfo endpoint (OIDC Core §5.3) releases claims per scope (§5.4), and only to a bearer token."""

import pytest
from django.urls import reverse

from tests.factories import AccessTokenFactory
from tests.flows import tokens_for

pytestmark = pytest.mark.django_db

PROFILE_CLAIMS = {"name", "given_name", "family_name", "preferred_username"}
EMAIL_CLAIMS = {"email", "email_verified"}


def userinfo(http, access_token: str, method: str = "get"):
    return getattr(http, method)(reverse("oauth2_provider:user-info"), HTTP_AUTHORIZATION=f"Bearer {access_token}")


def test_openid_alone_releases_only_the_subject(browser, client, web_app, user):
    token = tokens_for(browser, client, web_app, scope="openid")["access_token"]

    response = userinfo(client, token)

    assert response.status_code == 200
    assert response.json() == {"sub": str(user.pk)}


def test_profile_releases_the_name_claims(browser, client, web_app, user):
    token = tokens_for(browser, client, web_app, scope="openid profile")["access_token"]

    claims = userinfo(client, token).json()

    assert claims.keys() == {"sub"} | PROFILE_CLAIMS
    assert claims["name"] == "Alice Liddell"
    assert claims["given_name"] == "Alice"
    assert claims["family_name"] == "Liddell"
    assert claims["preferred_username"] == user.username


def test_email_releases_the_address_and_whether_it_was_verified(browser, client, web_app, user):
    token = tokens_for(browser, client, web_app, scope="openid email")["access_token"]

    claims = userinfo(client, token).json()

    assert claims.keys() == {"sub"} | EMAIL_CLAIMS
    assert claims["email"] == user.email
    assert claims["email_verified"] is True


def test_all_scopes_release_all_claims(browser, client, web_app):
    token = tokens_for(browser, client, web_app, scope="openid profile email")["access_token"]

    assert userinfo(client, token).json().keys() == {"sub"} | PROFILE_CLAIMS | EMAIL_CLAIMS


def test_an_unverified_address_says_so(browser, client, web_app, user):
    user.email_verified = False
    user.save()
    token = tokens_for(browser, client, web_app, scope="openid email")["access_token"]

    assert userinfo(client, token).json()["email_verified"] is False


def test_post_works_like_get(browser, client, web_app, user):
    token = tokens_for(browser, client, web_app, scope="openid")["access_token"]

    response = userinfo(client, token, method="post")

    assert response.status_code == 200
    assert response.json()["sub"] == str(user.pk)


def test_no_token_is_401_with_a_bearer_challenge(client):
    response = client.get(reverse("oauth2_provider:user-info"))

    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_an_invalid_token_is_401_invalid_token(client):
    response = userinfo(client, "not-a-token")

    assert response.status_code == 401
    assert 'error="invalid_token"' in response["WWW-Authenticate"]


def test_a_token_without_openid_is_refused(client):
    token = AccessTokenFactory(scope="profile email")

    response = userinfo(client, token.raw_token)

    assert response.status_code in {401, 403}
    assert b"email" not in response.content


def test_a_token_in_the_query_string_counts_as_no_token(browser, client, web_app):
    token = tokens_for(browser, client, web_app, scope="openid")["access_token"]

    response = client.get(reverse("oauth2_provider:user-info"), {"access_token": token})

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="userinfo"'
    assert b"sub" not in response.content


def test_a_token_in_both_header_and_query_string_is_invalid_request(browser, client, web_app):
    token = tokens_for(browser, client, web_app, scope="openid")["access_token"]

    response = client.get(
        reverse("oauth2_provider:user-info"), {"access_token": token}, HTTP_AUTHORIZATION=f"Bearer {token}"
    )

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"


def test_claims_are_never_cached(browser, client, web_app):
    token = tokens_for(browser, client, web_app, scope="openid")["access_token"]

    assert userinfo(client, token)["Cache-Control"] == "no-store"
