"""Reset e-mails are limited per address and per IP, with a clear message, 429 and no account enumeration."""

import pytest
from django.core import mail
from django.urls import reverse

from audit.models import AuditEvent
from tests.idp import set_idp

pytestmark = pytest.mark.django_db

PAUSED = "Too many emails were asked for. Try again in 15 minutes."


@pytest.fixture(autouse=True)
def small_limits(settings) -> None:
    set_idp(settings, ACCOUNT_MAIL_MAX_PER_ADDRESS=3)
    set_idp(settings, ACCOUNT_MAIL_MAX_PER_IP=5)
    set_idp(settings, ACCOUNT_MAIL_WINDOW_SECONDS=900)


def ask_for_reset(http, email: str, **headers):
    return http.post(reverse("password_reset"), {"email": email}, **headers)


def test_the_request_after_the_limit_is_refused_with_429_and_when_to_retry(client, user):
    for _ in range(3):
        assert ask_for_reset(client, user.email).status_code == 302

    response = ask_for_reset(client, user.email)

    assert response.status_code == 429
    assert 890 < int(response["Retry-After"]) <= 900
    assert response.context["form"].non_field_errors() == [PAUSED]
    assert PAUSED in response.content.decode()
    assert len(mail.outbox) == 3


def test_an_unknown_address_is_paused_exactly_like_a_known_one(client, user):
    # From two IPs, so only the address counters can pause them.
    known = [ask_for_reset(client, user.email, REMOTE_ADDR="198.51.100.1") for _ in range(4)]
    unknown = [ask_for_reset(client, "nobody@example.test", REMOTE_ADDR="198.51.100.2") for _ in range(4)]

    assert [r.status_code for r in unknown] == [r.status_code for r in known] == [302, 302, 302, 429]
    assert unknown[-1].context["form"].non_field_errors() == known[-1].context["form"].non_field_errors()
    assert unknown[-1].has_header("Retry-After")


def test_case_variants_of_an_address_share_one_counter(client, user):
    for email in (user.email, user.email.upper(), user.email.title()):
        ask_for_reset(client, email)

    assert ask_for_reset(client, user.email).status_code == 429


def test_one_ip_asking_for_many_addresses_is_paused(client, user):
    for n in range(5):
        assert ask_for_reset(client, f"someone{n}@example.test").status_code == 302

    assert ask_for_reset(client, user.email).status_code == 429
    assert mail.outbox == []


def test_another_ip_may_still_ask_for_other_addresses(client, user):
    for n in range(5):
        ask_for_reset(client, f"someone{n}@example.test", REMOTE_ADDR="198.51.100.7")

    assert ask_for_reset(client, user.email, REMOTE_ADDR="198.51.100.8").status_code == 302


def test_a_pause_starting_is_audited(client, user):
    for _ in range(3):
        ask_for_reset(client, user.email)

    [event] = AuditEvent.objects.filter(event=AuditEvent.Event.THROTTLE_TRIGGERED)
    assert event.details == {"limit": "reset-mail:address", "max_failures": 3, "window_seconds": 900}


def test_verification_mails_do_not_use_up_the_reset_allowance(client, user, browser):
    user.email_verified = False
    user.save()
    for _ in range(3):
        browser.post(reverse("email-verification-send"))

    assert ask_for_reset(client, user.email).status_code == 302
