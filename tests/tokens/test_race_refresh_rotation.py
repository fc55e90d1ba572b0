"""Ten simultaneous refreshes of one refresh token: exactly one succeeds (RFC 9700 §4.14.2)."""

import pytest
from django.test import Client
from oauth2_provider.models import get_refresh_token_model

from tests.flows import tokens_for
from tests.tokens.concurrency import requires_postgresql, run_at_once, statuses
from tests.tokens.probes import access_token_works, refresh, refresh_token_live

pytestmark = [pytest.mark.postgres, requires_postgresql, pytest.mark.django_db(transaction=True)]

REQUESTS = 10


def test_one_refresh_token_used_ten_times_at_once_succeeds_exactly_once(browser, web_app):
    tokens = tokens_for(browser, Client(), web_app)

    responses = run_at_once(REQUESTS, lambda _: refresh(Client(), web_app, tokens["refresh_token"]))

    assert statuses(responses) == [200] + [400] * (REQUESTS - 1)
    refused = [response for response in responses if response.status_code == 400]
    assert {response.json()["error"] for response in refused} == {"invalid_grant"}
    assert {response["Cache-Control"] for response in refused} == {"no-store"}
    winner = next(response.json() for response in responses if response.status_code == 200)
    assert winner["access_token"]
    assert winner["refresh_token"]


def test_the_concurrent_reuse_revokes_the_family(browser, web_app):
    tokens = tokens_for(browser, Client(), web_app)

    responses = run_at_once(REQUESTS, lambda _: refresh(Client(), web_app, tokens["refresh_token"]))

    winner = next(response.json() for response in responses if response.status_code == 200)
    assert not access_token_works(Client(), winner["access_token"])
    assert not get_refresh_token_model().objects.filter(revoked__isnull=True).exists()


def test_with_a_grace_period_the_concurrent_losers_leave_the_winners_tokens_alive(browser, web_app, settings):
    settings.OAUTH2_PROVIDER = {**settings.OAUTH2_PROVIDER, "REFRESH_TOKEN_GRACE_PERIOD_SECONDS": 60}
    tokens = tokens_for(browser, Client(), web_app)

    responses = run_at_once(REQUESTS, lambda _: refresh(Client(), web_app, tokens["refresh_token"]))

    # A retry inside the grace window is refused (the winner's pair is stored hashed) but is not reuse.
    assert statuses(responses) == [200] + [400] * (REQUESTS - 1)
    winner = next(response.json() for response in responses if response.status_code == 200)
    assert access_token_works(Client(), winner["access_token"])
    assert refresh_token_live(winner["refresh_token"])
