"""Each sign-in lockout is recorded once, when it starts: which limit, the account when it exists, the address."""

import pytest
from django.test import Client
from django.urls import reverse

from audit.models import AuditEvent
from tests.idp import set_idp

pytestmark = pytest.mark.django_db

ADDRESS = "198.51.100.9"


@pytest.fixture(autouse=True)
def small_limits(settings) -> None:
    set_idp(settings, LOGIN_MAX_FAILURES_PER_ACCOUNT=3)
    set_idp(settings, LOGIN_MAX_FAILURES_PER_IP=5)


def sign_in(username: str, address: str = ADDRESS):
    return Client().post(reverse("login"), {"username": username, "password": "wrong"}, REMOTE_ADDR=address)


def lockouts():
    return AuditEvent.objects.filter(event=AuditEvent.Event.THROTTLE_TRIGGERED)


def test_an_account_lockout_names_the_account_the_address_and_the_limit(user):
    for _ in range(5):
        sign_in("ALICE")

    event = lockouts().get()
    assert (event.user, event.ip) == (user, ADDRESS)
    assert event.details == {"limit": "login:account", "max_failures": 3, "window_seconds": 900}


def test_an_address_lockout_names_the_address_and_no_account(user):
    for n in range(5):
        sign_in(f"guess-{n}")

    event = lockouts().get()
    assert (event.user, event.ip) == (None, ADDRESS)
    assert event.details == {"limit": "login:ip", "max_failures": 5, "window_seconds": 900}


def test_the_lockout_of_an_unknown_name_does_not_store_what_was_typed(db):
    for _ in range(3):
        sign_in("typed-my-password-here")

    event = lockouts().get()
    assert event.user is None
    assert "typed-my-password-here" not in str(event.details)
