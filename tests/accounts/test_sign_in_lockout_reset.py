"""What clears sign-in failures: a correct password clears the name's count only; axes' commands lift a lockout."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from tests.factories import USER_PASSWORD
from tests.idp import set_idp

pytestmark = pytest.mark.django_db

ADDRESS = "198.51.100.9"


@pytest.fixture(autouse=True)
def small_limits(settings) -> None:
    set_idp(settings, LOGIN_MAX_FAILURES_PER_ACCOUNT=3)
    set_idp(settings, LOGIN_MAX_FAILURES_PER_IP=5)


def sign_in(username: str, password: str, address: str = ADDRESS):
    return Client().post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address)


def test_a_correct_password_clears_the_account_name_count(user):
    for _ in range(2):
        sign_in("alice", "wrong")
    assert sign_in("alice", USER_PASSWORD).status_code == 302

    for _ in range(2):
        sign_in("alice", "wrong", "203.0.113.1")

    assert sign_in("alice", USER_PASSWORD, "203.0.113.1").status_code == 302


def test_a_correct_password_leaves_the_address_count_as_it_was(user):
    # An attacker who owns one account must not wipe its address's count by signing into it now and then.
    for n in range(4):
        sign_in(f"guess-{n}", "wrong")
    assert sign_in("alice", USER_PASSWORD).status_code == 302

    sign_in("guess-4", "wrong")

    assert sign_in("alice", USER_PASSWORD).status_code == 429


def test_axes_reset_username_lifts_the_lockout_of_a_name_in_any_case(user):
    for _ in range(3):
        sign_in("alice", "wrong")

    out = StringIO()
    call_command("axes_reset_username", "ALICE", stdout=out)

    assert out.getvalue().startswith("1 attempts removed")
    assert sign_in("alice", USER_PASSWORD, "203.0.113.1").status_code == 302


def test_axes_reset_ip_lifts_the_lockout_of_an_address(user):
    for n in range(5):
        sign_in(f"guess-{n}", "wrong")

    call_command("axes_reset_ip", ADDRESS, stdout=StringIO())

    assert sign_in("alice", USER_PASSWORD).status_code == 302
