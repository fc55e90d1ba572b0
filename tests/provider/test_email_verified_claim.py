"""The email_verified claim (OIDC Core §5.1) follows the account: verified by the link, cleared by a new address."""

import base64
import json
import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from tests.flows import tokens_for

pytestmark = pytest.mark.django_db


def userinfo_claims(http: Client, access_token: str) -> dict:
    return http.get(reverse("oauth2_provider:user-info"), HTTP_AUTHORIZATION=f"Bearer {access_token}").json()


def id_token_claims(id_token: str) -> dict:
    """The payload of an ID token, unverified: tests/provider/test_id_token.py checks the signatures."""
    payload = id_token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def verify_by_link(browser: Client) -> None:
    browser.post(reverse("email-verification-send"))
    link = re.search(r"http://testserver(/\S+)", mail.outbox[-1].body).group(1)
    assert Client().post(link).status_code == 302


@pytest.fixture
def unverified(user):
    user.email_verified = False
    user.save()
    return user


def test_the_claims_say_false_until_the_link_is_followed_then_true(browser, client, web_app, unverified):
    before = tokens_for(browser, client, web_app, scope="openid email")
    assert id_token_claims(before["id_token"])["email_verified"] is False
    assert userinfo_claims(client, before["access_token"])["email_verified"] is False

    verify_by_link(browser)

    # userinfo reads the account at each request; an ID token states what was true when it was issued.
    assert userinfo_claims(client, before["access_token"])["email_verified"] is True
    after = tokens_for(browser, client, web_app, scope="openid email")
    assert id_token_claims(after["id_token"])["email_verified"] is True


def test_a_new_address_is_released_as_unverified(browser, client, web_app, user):
    token = tokens_for(browser, client, web_app, scope="openid email")["access_token"]
    assert userinfo_claims(client, token)["email_verified"] is True

    user.email = "alice@elsewhere.test"
    user.save()

    claims = userinfo_claims(client, token)
    assert claims["email"] == "alice@elsewhere.test"
    assert claims["email_verified"] is False
