"""Each sign-in is a session record of its own: it ends when the user signs out or someone ends it."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import UserSession
from accounts.sessions import LAST_SEEN_INTERVAL, SID_SESSION_KEY, sessions_end
from tests.factories import USER_PASSWORD

pytestmark = pytest.mark.django_db


def is_signed_in(browser: Client) -> bool:
    return browser.get(reverse("authorized-apps")).status_code == 200


def test_signing_in_records_the_browser_the_address_and_a_random_sid(client, user):
    client.post(
        reverse("login"),
        {"username": user.username, "password": USER_PASSWORD},
        HTTP_USER_AGENT="Firefox/130",
        REMOTE_ADDR="203.0.113.9",
    )

    record = UserSession.objects.get(user=user)
    assert client.session[SID_SESSION_KEY] == record.sid
    assert len(record.sid) >= 40
    assert record.sid != client.session.session_key
    assert (record.user_agent, record.client_address, record.ended) == ("Firefox/130", "203.0.113.9", None)


def test_each_sign_in_is_a_session_of_its_own(user):
    Client().force_login(user)
    Client().force_login(user)

    assert UserSession.objects.live().filter(user=user).count() == 2


def test_signing_out_ends_the_record(browser, user):
    browser.post(reverse("logout"))

    assert UserSession.objects.get(user=user).ended is not None


def test_a_browser_whose_session_was_ended_is_signed_out_at_its_next_request(browser, user):
    other = Client()
    other.force_login(user)

    sessions_end(sessions=UserSession.objects.filter(sid=browser.session[SID_SESSION_KEY]))

    assert not is_signed_in(browser)
    assert is_signed_in(other)


def test_a_session_signed_in_without_a_record_is_signed_out(browser, user):
    UserSession.objects.filter(user=user).delete()

    assert not is_signed_in(browser)


def test_last_seen_is_written_at_most_once_per_interval(browser, user):
    long_ago = timezone.now() - LAST_SEEN_INTERVAL - timedelta(seconds=1)
    UserSession.objects.filter(user=user).update(last_seen=long_ago)

    is_signed_in(browser)
    seen = UserSession.objects.get(user=user).last_seen
    is_signed_in(browser)

    assert seen > long_ago
    assert UserSession.objects.get(user=user).last_seen == seen
