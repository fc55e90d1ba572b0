"""Logout notices leave through an outbox: sent after the sign-out, retried with backoff, given up in bounded time."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from provider.backchannel_logout import RETRY_DELAYS, logout_notifications_deliver
from provider.models import BackchannelLogout
from tests.backchannel import logout_receiver
from tests.flows import tokens_for
from tests.provider.test_auth_time import claims_of

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _loopback_allowed(settings):
    settings.IDP = {**settings.IDP, "OUTBOUND_ALLOW_PRIVATE_ADDRESSES": True}


def signed_out_with_tokens(browser, client, web_app, url: str) -> BackchannelLogout:
    web_app.backchannel_logout_uri = url
    web_app.save()
    tokens_for(browser, client, web_app)
    browser.post(reverse("logout"))
    return BackchannelLogout.objects.get()


def test_the_notice_waits_in_the_outbox_until_a_worker_sends_it(browser, client, web_app):
    with logout_receiver() as receiver:
        notice = signed_out_with_tokens(browser, client, web_app, receiver.url)
        assert receiver.logout_tokens == []

        call_command("deliver_backchannel_logouts", stdout=None)

    notice.refresh_from_db()
    assert len(receiver.logout_tokens) == 1
    assert notice.delivered is not None
    assert notice.attempts == 1


def test_a_failed_delivery_is_retried_after_a_growing_delay(browser, client, web_app):
    with logout_receiver(503, 500) as receiver:
        notice = signed_out_with_tokens(browser, client, web_app, receiver.url)
        now = timezone.now()

        logout_notifications_deliver(now=now)
        notice.refresh_from_db()
        assert (notice.attempts, notice.last_error, notice.delivered) == (1, "HTTP 503", None)
        assert notice.next_attempt == now + RETRY_DELAYS[0]
        assert logout_notifications_deliver(now=now + RETRY_DELAYS[0] - timedelta(milliseconds=1)) == 0

        logout_notifications_deliver(now=now + RETRY_DELAYS[0])
        notice.refresh_from_db()
        assert notice.next_attempt == now + RETRY_DELAYS[0] + RETRY_DELAYS[1]
        assert RETRY_DELAYS[1] > RETRY_DELAYS[0]

        logout_notifications_deliver(now=notice.next_attempt)

    notice.refresh_from_db()
    assert notice.attempts == 3
    assert notice.delivered is not None
    assert len(receiver.logout_tokens) == 3
    # One notice throughout: every attempt names the same jti.
    assert {claims_of(token)["jti"] for token in receiver.logout_tokens} == {notice.jti}


def test_a_client_that_never_answers_well_is_given_up_after_the_last_retry(browser, client, web_app):
    with logout_receiver(*[500] * 10) as receiver:
        notice = signed_out_with_tokens(browser, client, web_app, receiver.url)
        later = timezone.now()
        for _ in range(len(RETRY_DELAYS) + 3):
            logout_notifications_deliver(now=later)
            later += RETRY_DELAYS[-1]

    notice.refresh_from_db()
    assert notice.attempts == len(RETRY_DELAYS) + 1
    assert notice.given_up is not None
    assert notice.delivered is None
    assert len(receiver.logout_tokens) == len(RETRY_DELAYS) + 1
