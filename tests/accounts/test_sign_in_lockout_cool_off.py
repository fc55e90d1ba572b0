"""A sign-in lockout ends by itself a cool-off after it started, however often the person tries meanwhile."""

import time
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse

from accounts.sign_in import throttled_message
from tests.factories import USER_PASSWORD
from tests.idp import set_idp

pytestmark = pytest.mark.django_db

COOL_OFF = 2  # seconds: short, so the test can wait it out


@pytest.fixture(autouse=True)
def short_cool_off(settings) -> None:
    set_idp(settings, LOGIN_MAX_FAILURES_PER_ACCOUNT=3)
    settings.AXES_COOLOFF_TIME = timedelta(seconds=COOL_OFF)


def sign_in(http: Client, password: str):
    return http.post(reverse("login"), {"username": "alice", "password": password})


def test_the_lockout_ends_by_itself_and_a_refused_attempt_does_not_stretch_it(client, user):
    for _ in range(3):
        sign_in(client, "wrong")
    time.sleep(COOL_OFF / 2)
    assert sign_in(client, USER_PASSWORD).status_code == 429  # refused meanwhile: not counted, not stretching

    time.sleep(COOL_OFF / 2 + 0.2)

    assert sign_in(client, USER_PASSWORD).status_code == 302


def test_retry_after_counts_down_from_the_cool_off(client, user):
    for _ in range(3):
        sign_in(client, "wrong")

    response = sign_in(client, USER_PASSWORD)

    assert 0 < int(response["Retry-After"]) <= COOL_OFF


@pytest.mark.parametrize(
    ("seconds", "minutes"), [(1, "1 minute"), (60, "1 minute"), (61, "2 minutes"), (900, "15 minutes")]
)
def test_the_page_says_the_wait_in_whole_minutes_rounded_up(seconds, minutes):
    assert throttled_message(seconds) == f"Too many failed sign-in attempts. Try again in {minutes}."
