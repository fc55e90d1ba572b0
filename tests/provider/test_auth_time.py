"""OIDC Core §2: an ID token's auth_time is when the user behind it signed in, exactly, and it stays so.

DOT put ``user.last_login`` in every ID token, read when the code was exchanged: a sign-in in another
browser, or one after the code was issued, moved it. Here it is the session's own sign-in, stored
with the code and kept on the token family, so a refreshed ID token names the same sign-in (§12.2).
"""

import base64
import json
import time

import pytest
from django.test import Client
from django.urls import reverse

from provider.authentication import AUTH_TIME_SESSION_KEY
from tests.factories import USER_PASSWORD
from tests.flows import exchange_code, obtain_code, tokens_for
from tests.tokens.probes import refresh

pytestmark = pytest.mark.django_db


def claims_of(id_token: str) -> dict:
    payload = id_token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def signed_in_at(http: Client) -> int:
    return int(http.session[AUTH_TIME_SESSION_KEY])


def signed_in_ago(http: Client, seconds: float) -> None:
    session = http.session
    session[AUTH_TIME_SESSION_KEY] = time.time() - seconds
    session.save()


def sign_in_elsewhere(user) -> None:
    """The same user signs in on another browser: last_login moves, this session's sign-in does not."""
    elsewhere = Client()
    assert elsewhere.post(reverse("login"), {"username": user.username, "password": USER_PASSWORD}).status_code == 302


def test_auth_time_is_the_sessions_sign_in(browser, client, web_app):
    signed_in_ago(browser, 1234.5)

    id_token = tokens_for(browser, client, web_app)["id_token"]

    assert claims_of(id_token)["auth_time"] == signed_in_at(browser)


def test_signing_in_on_the_sign_in_page_records_the_moment(client, user, web_app):
    before = time.time()
    client.post(reverse("login"), {"username": "alice", "password": USER_PASSWORD})

    assert before <= client.session[AUTH_TIME_SESSION_KEY] <= time.time()


def test_a_later_sign_in_elsewhere_does_not_move_the_auth_time_of_an_issued_code(browser, client, user, web_app):
    signed_in_ago(browser, 600)
    code, verifier = obtain_code(browser, web_app)
    sign_in_elsewhere(user)
    user.refresh_from_db()

    id_token = exchange_code(client, web_app, code, verifier).json()["id_token"]

    assert claims_of(id_token)["auth_time"] == signed_in_at(browser)
    assert claims_of(id_token)["auth_time"] < int(user.last_login.timestamp()) - 500


def test_a_refreshed_id_token_keeps_the_original_auth_time(browser, client, user, web_app):
    signed_in_ago(browser, 600)
    issued = tokens_for(browser, client, web_app)
    sign_in_elsewhere(user)

    refreshed = refresh(client, web_app, issued["refresh_token"]).json()

    assert "id_token" in refreshed
    assert claims_of(refreshed["id_token"])["auth_time"] == claims_of(issued["id_token"])["auth_time"]
    assert claims_of(refreshed["id_token"])["auth_time"] == signed_in_at(browser)


def test_auth_time_is_present_when_max_age_was_requested(browser, client, web_app):
    id_token = tokens_for(browser, client, web_app, max_age="3600")["id_token"]

    assert claims_of(id_token)["auth_time"] == signed_in_at(browser)


def test_a_re_authentication_for_max_age_is_the_auth_time(browser, client, user, web_app):
    signed_in_ago(browser, 600)
    before = int(time.time())
    browser.post(reverse("login"), {"username": "alice", "password": USER_PASSWORD})

    id_token = tokens_for(browser, client, web_app, max_age="60")["id_token"]

    assert claims_of(id_token)["auth_time"] >= before
