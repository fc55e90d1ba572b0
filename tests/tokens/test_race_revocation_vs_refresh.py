"""A revocation racing a refresh of the same grant never leaves a live token behind (RFC 7009 §2.1)."""

import pytest
from django.test import Client
from oauth2_provider.models import get_access_token_model, get_refresh_token_model

from tests.flows import endpoint_request, tokens_for
from tests.tokens.concurrency import requires_postgresql, run_at_once
from tests.tokens.probes import access_token_works, refresh

pytestmark = [pytest.mark.postgres, requires_postgresql, pytest.mark.django_db(transaction=True)]

ROUNDS = 6


def revoke(app, token: str, hint: str):
    data = {"token": token, "token_type_hint": hint}
    return endpoint_request(Client(), "oauth2_provider:revoke-token", app, data)


def race(app, tokens: dict, revoked: str):
    """Refresh with the refresh token while revoking ``tokens[revoked]``; return (refresh, revocation)."""
    actions = [
        lambda: refresh(Client(), app, tokens["refresh_token"]),
        lambda: revoke(app, tokens[revoked], revoked),
    ]
    return run_at_once(2, lambda index: actions[index]())


def test_revoking_the_refresh_token_while_it_is_refreshed_leaves_no_live_token(browser, web_app):
    for _ in range(ROUNDS):  # several rounds, so both orders and the overlap all happen
        tokens = tokens_for(browser, Client(), web_app)

        refreshed, revocation = race(web_app, tokens, "refresh_token")

        assert revocation.status_code == 200, revocation.content
        assert refreshed.status_code in {200, 400}, refreshed.content
        if refreshed.status_code == 200:
            # The refresh won: revoking the (now rotated) token it used still ends the grant it continued.
            new = refreshed.json()
            assert not access_token_works(Client(), new["access_token"])
            assert refresh(Client(), web_app, new["refresh_token"]).status_code == 400
        assert not access_token_works(Client(), tokens["access_token"])
        assert not get_refresh_token_model().objects.filter(revoked__isnull=True).exists()
        assert not get_access_token_model().objects.exists()


def test_revoking_the_access_token_while_the_grant_is_refreshed_kills_that_token_without_errors(browser, web_app):
    for _ in range(ROUNDS):
        tokens = tokens_for(browser, Client(), web_app)

        refreshed, revocation = race(web_app, tokens, "access_token")

        assert revocation.status_code == 200, revocation.content
        assert refreshed.status_code in {200, 400}, refreshed.content
        assert not access_token_works(Client(), tokens["access_token"])
        if refreshed.status_code == 400:
            # The revocation found the grant first and ended it.
            assert not get_refresh_token_model().objects.filter(revoked__isnull=True).exists()
        # Otherwise the refresh rotated the access token away first, and revoking a token that no
        # longer exists is a no-op (RFC 7009 §2.2); the new pair is the grant's, as it would be in sequence.
