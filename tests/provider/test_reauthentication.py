"""OIDC Core §3.1.2.1: prompt=login and max_age make the user sign in again before a code is issued.

The user goes to the sign-in page and comes back to the very same request (every parameter kept).
The request is met by a sign-in made after it asked for one, and only once: following the way back
without signing in, or replaying the request later, asks again. With prompt=none the answer is
login_required instead of a page (OIDC Core §3.1.2.6).
"""

import time
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from oauth2_provider.models import get_grant_model

from consent.services import consent_record
from provider.authentication import AUTH_TIME_SESSION_KEY
from tests.factories import USER_PASSWORD, ApplicationFactory
from tests.flows import authorize_params, pkce_pair, redirect_query

pytestmark = pytest.mark.django_db


def authorize(http: Client, app, **extra):
    _, challenge = pkce_pair()
    return http.get(reverse("oauth2_provider:authorize"), authorize_params(app, challenge=challenge, **extra))


def signed_in_ago(http: Client, seconds: float) -> None:
    """Make the session's sign-in ``seconds`` old."""
    session = http.session
    session[AUTH_TIME_SESSION_KEY] = time.time() - seconds
    session.save()


def sent_to_sign_in(response) -> str:
    """The address the sign-in page will return to; fails unless ``response`` sends the user to sign in."""
    assert response.status_code == 302, response
    location = urlsplit(response["Location"])
    assert location.path == reverse(settings.LOGIN_URL)
    return parse_qs(location.query)["next"][0]


def sign_in(http: Client, next_url: str, username: str = "alice"):
    """Sign in on the real sign-in page and follow it back to ``next_url``."""
    login_url = f"{reverse('login')}?{urlencode({'next': next_url})}"
    response = http.post(login_url, {"username": username, "password": USER_PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == next_url
    return http.get(next_url)


def shows_consent_page(response) -> bool:
    return response.status_code == 200 and "form" in response.context


def test_a_sign_in_younger_than_max_age_goes_straight_to_the_consent_page(browser, web_app):
    signed_in_ago(browser, 30)

    assert shows_consent_page(authorize(browser, web_app, max_age="300"))


def test_a_sign_in_older_than_max_age_is_repeated_and_the_request_kept(browser, web_app):
    signed_in_ago(browser, 600)
    first = authorize(browser, web_app, max_age="300", nonce="n-1")

    next_url = sent_to_sign_in(first)
    assert next_url == first.wsgi_request.get_full_path()
    assert parse_qs(urlsplit(next_url).query)["max_age"] == ["300"]
    assert shows_consent_page(sign_in(browser, next_url))
    assert not get_grant_model().objects.exists()


@pytest.mark.parametrize("demand", [{"prompt": "login"}, {"max_age": "0"}], ids=["prompt=login", "max_age=0"])
def test_a_sign_in_just_made_is_asked_for_again(browser, web_app, demand):
    signed_in_ago(browser, 1)

    next_url = sent_to_sign_in(authorize(browser, web_app, **demand))

    assert shows_consent_page(sign_in(browser, next_url))


@pytest.mark.parametrize("demand", [{"prompt": "login"}, {"max_age": "0"}], ids=["prompt=login", "max_age=0"])
def test_following_the_way_back_without_signing_in_asks_again(browser, web_app, demand):
    next_url = sent_to_sign_in(authorize(browser, web_app, **demand))

    assert sent_to_sign_in(browser.get(next_url)) == next_url


@pytest.mark.parametrize("demand", [{"prompt": "login"}, {"max_age": "0"}], ids=["prompt=login", "max_age=0"])
def test_one_sign_in_meets_the_request_once(browser, web_app, demand):
    next_url = sent_to_sign_in(authorize(browser, web_app, **demand))
    assert shows_consent_page(sign_in(browser, next_url))

    assert sent_to_sign_in(browser.get(next_url)) == next_url


def test_prompt_login_keeps_its_other_values(browser, user, web_app):
    consent_record(user=user, application=web_app, requested=["openid", "profile"], approved=["openid", "profile"])

    next_url = sent_to_sign_in(authorize(browser, web_app, prompt="login consent"))

    assert parse_qs(urlsplit(next_url).query)["prompt"] == ["login consent"]
    # prompt=consent still holds after the sign-in, despite the remembered consent.
    assert shows_consent_page(sign_in(browser, next_url))


def test_a_signed_out_user_with_prompt_login_signs_in_once(client, user, web_app):
    next_url = sent_to_sign_in(authorize(client, web_app, prompt="login"))

    assert shows_consent_page(sign_in(client, next_url))


def test_signing_in_as_someone_else_meets_prompt_login(browser, other_user, web_app):
    next_url = sent_to_sign_in(authorize(browser, web_app, prompt="login"))

    page = sign_in(browser, next_url, username=other_user.username)

    assert shows_consent_page(page)
    assert page.wsgi_request.user == other_user


@pytest.mark.parametrize("client_kind", ["trusted", "remembered"])
def test_a_stale_sign_in_is_repeated_even_where_no_page_would_be_shown(browser, user, web_app, client_kind):
    app = ApplicationFactory(skip_authorization=True) if client_kind == "trusted" else web_app
    consent_record(user=user, application=app, requested=["openid", "profile"], approved=["openid", "profile"])
    signed_in_ago(browser, 600)

    sent_to_sign_in(authorize(browser, app, max_age="60"))

    assert not get_grant_model().objects.exists()


@pytest.mark.parametrize("max_age", ["0", "60"])
def test_prompt_none_with_a_stale_sign_in_is_login_required(browser, user, web_app, max_age):
    consent_record(user=user, application=web_app, requested=["openid", "profile"], approved=["openid", "profile"])
    signed_in_ago(browser, 600)

    response = authorize(browser, web_app, prompt="none", max_age=max_age)

    assert response.status_code == 302
    assert response["Location"].startswith(web_app.redirect_uris + "?")
    query = redirect_query(response)
    assert query["error"] == "login_required"
    assert query["state"] == "state-123"
    assert "iss" in query
    assert not get_grant_model().objects.exists()


def test_prompt_none_with_a_fresh_enough_sign_in_issues_a_code(browser, user, web_app):
    consent_record(user=user, application=web_app, requested=["openid", "profile"], approved=["openid", "profile"])
    signed_in_ago(browser, 10)

    response = authorize(browser, web_app, prompt="none", max_age="60")

    assert "code" in redirect_query(response)


def test_a_session_without_a_recorded_sign_in_moment_signs_in_again(browser, web_app):
    session = browser.session
    del session[AUTH_TIME_SESSION_KEY]
    session.save()

    next_url = sent_to_sign_in(authorize(browser, web_app))

    assert shows_consent_page(sign_in(browser, next_url))
