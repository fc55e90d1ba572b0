"""Token endpoint rows for grant_type=refresh_token (RFC 6749 §6), docs/conformance.md."""

import pytest

from tests.flows import token_request, tokens_for

pytestmark = pytest.mark.django_db


def refresh(client, app, refresh_token: str, **extra):
    return token_request(client, app, {"grant_type": "refresh_token", "refresh_token": refresh_token, **extra})


@pytest.fixture
def granted(browser, client, web_app) -> dict:
    """A token response for the scope "openid profile email"."""
    return tokens_for(browser, client, web_app, scope="openid profile email")


def test_a_refresh_may_narrow_and_a_later_one_widen_back_to_the_original_grant(client, web_app, granted):
    narrowed = refresh(client, web_app, granted["refresh_token"], scope="openid")
    assert narrowed.status_code == 200, narrowed.content
    assert narrowed.json()["scope"] == "openid"

    widened = refresh(client, web_app, narrowed.json()["refresh_token"], scope="openid profile email")

    assert widened.status_code == 200, widened.content
    assert set(widened.json()["scope"].split()) == {"openid", "profile", "email"}


def test_a_refresh_without_scope_after_a_narrowing_one_gets_the_original_grant(client, web_app, granted):
    narrowed = refresh(client, web_app, granted["refresh_token"], scope="openid")

    again = refresh(client, web_app, narrowed.json()["refresh_token"])

    assert again.status_code == 200, again.content
    assert set(again.json()["scope"].split()) == {"openid", "profile", "email"}


def test_a_refresh_asking_beyond_the_original_grant_is_invalid_scope(client, web_app, granted):
    narrowed = refresh(client, web_app, granted["refresh_token"], scope="openid")

    beyond = refresh(client, web_app, narrowed.json()["refresh_token"], scope="openid notes:read")

    assert beyond.status_code == 400
    assert beyond.json()["error"] == "invalid_scope"


def test_an_unknown_scope_on_refresh_is_invalid_scope(client, web_app, granted):
    response = refresh(client, web_app, granted["refresh_token"], scope="made-up")

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_scope"


def test_a_missing_refresh_token_is_invalid_request(client, web_app):
    response = token_request(client, web_app, {"grant_type": "refresh_token"})

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"
