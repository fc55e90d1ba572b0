"""Twenty simultaneous redemptions of one code: one token response, nineteen invalid_grant, nothing else."""

import pytest
from django.test import Client
from oauth2_provider.models import get_access_token_model, get_id_token_model, get_refresh_token_model

from tests.flows import exchange_code, obtain_code
from tests.tokens.concurrency import requires_postgresql, run_at_once, statuses
from tests.tokens.probes import access_token_works
from tokens.models import TokenFamily

pytestmark = [pytest.mark.postgres, requires_postgresql, pytest.mark.django_db(transaction=True)]

REQUESTS = 20


def test_one_code_redeemed_twenty_times_at_once_issues_exactly_one_token_response(browser, web_app):
    code, verifier = obtain_code(browser, web_app)

    responses = run_at_once(REQUESTS, lambda _: exchange_code(Client(), web_app, code, verifier))

    assert statuses(responses) == [200] + [400] * (REQUESTS - 1)
    refused = [response for response in responses if response.status_code == 400]
    assert {response.json()["error"] for response in refused} == {"invalid_grant"}
    assert {response["Cache-Control"] for response in refused} == {"no-store"}
    # Exactly one issuance reached the database; the losers' ID tokens were discarded with their rollback.
    assert TokenFamily.objects.filter(application=web_app).count() == 1
    assert get_id_token_model().objects.count() == 1
    assert get_refresh_token_model().objects.count() == 1


def test_the_losers_count_as_replays_so_the_winners_tokens_are_revoked(browser, web_app):
    code, verifier = obtain_code(browser, web_app)

    responses = run_at_once(REQUESTS, lambda _: exchange_code(Client(), web_app, code, verifier))

    winner = next(response.json() for response in responses if response.status_code == 200)
    assert not access_token_works(Client(), winner["access_token"])
    assert not get_access_token_model().objects.exists()
    assert not get_refresh_token_model().objects.filter(revoked__isnull=True).exists()
