"""Sign-in lockouts count per account name and per address, each on its own and against its own limit."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import USER_PASSWORD
from tests.idp import set_idp

pytestmark = pytest.mark.django_db

PAUSED = "Too many failed sign-in attempts. Try again in 15 minutes."


@pytest.fixture(autouse=True)
def small_limits(settings) -> None:
    set_idp(settings, LOGIN_MAX_FAILURES_PER_ACCOUNT=3)
    set_idp(settings, LOGIN_MAX_FAILURES_PER_IP=5)


def sign_in(username: str, password: str, address: str, **headers):
    """One attempt from a fresh browser at ``address``, as a person somewhere else would make it."""
    data = {"username": username, "password": password}
    return Client().post(reverse("login"), data, REMOTE_ADDR=address, **headers)


def test_an_account_name_is_locked_out_whatever_address_the_guesses_come_from(user):
    for n in range(3):
        sign_in("alice", "wrong", f"198.51.100.{n}")

    response = sign_in("alice", USER_PASSWORD, "203.0.113.50")

    assert response.status_code == 429
    assert response.context["form"].non_field_errors() == [PAUSED]


def test_an_address_is_locked_out_whatever_names_it_tries(user):
    for n in range(5):
        sign_in(f"guess-{n}", "wrong", "198.51.100.9")

    assert sign_in("alice", USER_PASSWORD, "198.51.100.9").status_code == 429
    assert sign_in("alice", USER_PASSWORD, "198.51.100.10").status_code == 302


def test_an_address_below_its_limit_is_not_held_to_the_lower_limit_of_a_name(user):
    # Four failures from one address, each at a different name: no name reached 3, the address not 5.
    for n in range(4):
        sign_in(f"guess-{n}", "wrong", "198.51.100.9")

    assert sign_in("alice", USER_PASSWORD, "198.51.100.9").status_code == 302


def test_a_name_typed_to_look_like_an_address_does_not_share_that_address_count(user):
    for n in range(3):
        sign_in("198.51.100.9", "wrong", f"203.0.113.{n}")

    assert sign_in("alice", USER_PASSWORD, "198.51.100.9").status_code == 302


def test_behind_a_trusted_proxy_each_client_is_counted_at_its_own_address(user, settings):
    set_idp(settings, CLIENT_IP_TRUSTED_PROXIES=1)
    for n in range(5):
        sign_in(f"guess-{n}", "wrong", "10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.9")

    assert sign_in("alice", USER_PASSWORD, "10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.9").status_code == 429
    # Another client through the same proxy, even one forging the blocked address further left.
    forged = "198.51.100.9, 198.51.100.10"
    assert sign_in("alice", USER_PASSWORD, "10.0.0.1", HTTP_X_FORWARDED_FOR=forged).status_code == 302


def test_a_zero_limit_turns_that_count_off(user, settings):
    set_idp(settings, LOGIN_MAX_FAILURES_PER_ACCOUNT=0)
    for n in range(4):
        sign_in("alice", "wrong", f"198.51.100.{n}")

    assert sign_in("alice", USER_PASSWORD, "203.0.113.50").status_code == 302
