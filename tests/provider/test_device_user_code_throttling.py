"""Guessing device user codes (RFC 8628 §5.1): wrong codes are counted per user and per IP, then refused."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import DeviceApplicationFactory, UserFactory
from tests.flows import form_post
from tests.idp import set_idp

pytestmark = pytest.mark.django_db


@pytest.fixture
def strict_limits(settings):
    set_idp(settings, DEVICE_CODE_MAX_FAILURES_PER_USER=3)
    set_idp(settings, DEVICE_CODE_MAX_FAILURES_PER_IP=100)


def real_user_code(http) -> str:
    app = DeviceApplicationFactory()
    response = form_post(http, reverse("oauth2_provider:device-authorization"), {"client_id": app.client_id})
    assert response.status_code == 200, response.content
    return response.json()["user_code"]


def type_code(browser, code: str):
    return browser.post(reverse("oauth2_provider:device"), {"user_code": code})


def test_after_too_many_wrong_codes_even_the_right_code_is_refused_for_a_while(browser, client, strict_limits):
    right_code = real_user_code(client)
    for guess in ("AAAAAAAA", "BBBBBBBB", "CCCCCCCC"):
        assert type_code(browser, guess).status_code == 200  # the form again, with "Incorrect user code"

    response = type_code(browser, right_code)

    assert response.status_code == 200
    assert "Too many wrong codes. Try again in 15 minutes." in response.content.decode()


def test_wrong_codes_under_the_limit_do_not_block_the_right_one(browser, client, strict_limits):
    right_code = real_user_code(client)
    for guess in ("AAAAAAAA", "BBBBBBBB"):
        type_code(browser, guess)

    response = type_code(browser, right_code)

    assert response.status_code == 302
    assert "/o/device-confirm/" in response["Location"]


def test_one_users_guessing_does_not_block_another_user(browser, client, strict_limits):
    for guess in ("AAAAAAAA", "BBBBBBBB", "CCCCCCCC"):
        type_code(browser, guess)
    someone_else = Client()
    someone_else.force_login(UserFactory(username="carol"))

    response = type_code(someone_else, real_user_code(client))

    assert response.status_code == 302


def test_guessing_from_one_address_with_many_accounts_is_blocked_per_ip(client, settings):
    set_idp(settings, DEVICE_CODE_MAX_FAILURES_PER_USER=100)
    set_idp(settings, DEVICE_CODE_MAX_FAILURES_PER_IP=2)
    for n in range(2):
        account = Client()
        account.force_login(UserFactory(username=f"guesser{n}"))
        type_code(account, "AAAAAAAA")
    fresh = Client()
    fresh.force_login(UserFactory(username="guesser-next"))

    response = type_code(fresh, real_user_code(client))

    assert "Too many wrong codes" in response.content.decode()
