"""The account page: profile, e-mail, password, sessions with "sign out" each and everywhere, authorized apps."""

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import UserSession
from accounts.sessions import SID_SESSION_KEY
from tests.factories import USER_PASSWORD
from tests.flows import tokens_for
from tests.tokens.probes import refresh_token_live

pytestmark = pytest.mark.django_db


def signed_in(user, user_agent: str) -> Client:
    """A browser of its own that signed in on the sign-in page (so its User-Agent is recorded)."""
    browser = Client(HTTP_USER_AGENT=user_agent)
    assert browser.post(reverse("login"), {"username": user.username, "password": USER_PASSWORD}).status_code == 302
    return browser


def is_signed_in(browser: Client) -> bool:
    return browser.get(reverse("account")).status_code == 200


def test_it_lists_the_users_live_sessions_and_marks_this_browser(user, other_user):
    laptop = signed_in(user, "Laptop Firefox")
    signed_in(user, "Phone Safari")
    signed_in(other_user, "Bob's browser")

    page = laptop.get(reverse("account")).content.decode()

    assert "Laptop Firefox" in page
    assert "Phone Safari" in page
    assert "Bob&#x27;s browser" not in page
    assert page.count("this browser") == 1
    assert user.email in page


def test_signing_out_another_session_ends_only_that_one(user):
    laptop = signed_in(user, "Laptop")
    phone = signed_in(user, "Phone")
    phone_session = UserSession.objects.get(sid=phone.session[SID_SESSION_KEY])

    response = laptop.post(reverse("session-end", args=[phone_session.pk]))

    assert response.status_code == 302
    assert not is_signed_in(phone)
    assert is_signed_in(laptop)


def test_signing_out_this_browser_goes_to_the_sign_in_page(user):
    laptop = signed_in(user, "Laptop")
    own = UserSession.objects.get(sid=laptop.session[SID_SESSION_KEY])

    response = laptop.post(reverse("session-end", args=[own.pk]))

    assert response["Location"] == reverse("login")
    assert not is_signed_in(laptop)
    assert UserSession.objects.get(pk=own.pk).ended is not None


def test_another_users_session_cannot_be_ended(user, other_user):
    laptop = signed_in(user, "Laptop")
    bob = signed_in(other_user, "Bob")
    bobs = UserSession.objects.get(sid=bob.session[SID_SESSION_KEY])

    assert laptop.post(reverse("session-end", args=[bobs.pk])).status_code == 404
    assert is_signed_in(bob)


def test_signing_out_everywhere_ends_every_session_and_withdraws_tokens(user, client, web_app):
    laptop = signed_in(user, "Laptop")
    phone = signed_in(user, "Phone")
    tokens = tokens_for(phone, client, web_app)

    laptop.post(reverse("sign-out-everywhere"))

    assert not is_signed_in(laptop)
    assert not is_signed_in(phone)
    assert not refresh_token_live(tokens["refresh_token"])


def test_the_page_needs_a_sign_in(client):
    assert client.get(reverse("account"))["Location"].startswith(reverse("login"))
