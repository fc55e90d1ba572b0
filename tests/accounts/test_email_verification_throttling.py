"""Verification e-mails are limited per address and per IP: a clear message, 429 and Retry-After."""

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from tests.factories import UserFactory
from tests.idp import set_idp

pytestmark = pytest.mark.django_db

PAUSED = "Too many emails were asked for. Try again in 15 minutes."


@pytest.fixture(autouse=True)
def small_limits(settings) -> None:
    set_idp(settings, ACCOUNT_MAIL_MAX_PER_ADDRESS=3)
    set_idp(settings, ACCOUNT_MAIL_MAX_PER_IP=5)
    set_idp(settings, ACCOUNT_MAIL_WINDOW_SECONDS=900)


@pytest.fixture
def unverified(user):
    user.email_verified = False
    user.save()
    return user


def ask(browser: Client, **headers):
    return browser.post(reverse("email-verification-send"), **headers)


def test_the_request_after_the_limit_is_refused_with_429_and_when_to_retry(browser, unverified):
    for _ in range(3):
        assert ask(browser).status_code == 302

    response = ask(browser)

    assert response.status_code == 429
    assert 890 < int(response["Retry-After"]) <= 900
    page = response.content.decode()
    assert PAUSED in page
    assert unverified.email in page, "the refusal is the address page, with its button, not a bare error"
    assert len(mail.outbox) == 3


def test_one_ip_asking_for_many_accounts_is_paused(unverified):
    for n in range(5):
        http = Client()
        http.force_login(UserFactory(username=f"user-{n}", email=f"user{n}@example.test", email_verified=False))
        assert ask(http).status_code == 302

    http = Client()
    http.force_login(unverified)
    assert ask(http).status_code == 429


def test_reset_mails_do_not_use_up_the_verification_allowance(client, browser, unverified):
    for _ in range(3):
        client.post(reverse("password_reset"), {"email": unverified.email}, REMOTE_ADDR="198.51.100.9")

    assert ask(browser).status_code == 302
