"""Unknown bearer tokens: a repeat is refused without a query, in bounded memory, and never outlives a new token."""

import time

import pytest
from django.urls import reverse
from oauth2_provider.models import get_access_token_model, set_token_value

from tests.factories import AccessTokenFactory
from tests.idp import set_idp
from token_cache.cache import access_tokens
from tokens.checksums import sha256_hex

pytestmark = pytest.mark.django_db

GARBAGE = "never-issued-token-0123456789"


@pytest.fixture
def refusals_remembered(settings) -> None:
    """Production's refusal cache, and the feed read once and not due again during the test."""
    set_idp(settings, TOKEN_CACHE_POLL_SECONDS=3600.0, TOKEN_CACHE_REFUSED_SECONDS=60.0)
    access_tokens.sync()


def me(client, token: str):
    return client.get(reverse("api:me"), HTTP_AUTHORIZATION=f"Bearer {token}")


def test_an_unknown_token_presented_again_is_refused_without_a_query(
    client, refusals_remembered, django_assert_num_queries
):
    assert me(client, GARBAGE).status_code == 401

    with django_assert_num_queries(0):
        response = me(client, GARBAGE)

    assert response.status_code == 401
    assert response.json()["error"] == "invalid_token"
    assert 'error="invalid_token"' in response["WWW-Authenticate"]


def test_a_flood_of_distinct_garbage_tokens_keeps_no_more_than_the_bound(client, settings, refusals_remembered):
    set_idp(settings, TOKEN_CACHE_REFUSED_MAX_ENTRIES=50)
    for number in range(200):
        assert me(client, f"garbage-{number}").status_code == 401

    assert len(access_tokens.refused) == 50
    # The most recent refusals are the ones kept; the oldest went first.
    assert access_tokens.is_refused(sha256_hex("garbage-199"))
    assert not access_tokens.is_refused(sha256_hex("garbage-0"))


def test_a_refused_value_stored_later_as_a_token_is_accepted_at_once(client, refusals_remembered):
    assert me(client, GARBAGE).status_code == 401

    AccessTokenFactory(token=GARBAGE, scope="openid profile")

    assert me(client, GARBAGE).status_code == 200


def test_a_token_given_a_refused_value_by_update_is_accepted_once_the_feed_is_read(
    client, settings, refusals_remembered
):
    token = AccessTokenFactory(scope="openid profile")
    assert me(client, GARBAGE).status_code == 401

    # Behind the app's back: no signal, only the trigger-written feed row names the token.
    changed = get_access_token_model()()
    set_token_value(changed, GARBAGE)
    tokens = get_access_token_model().objects.filter(pk=token.pk)
    tokens.update(token=changed.token, token_checksum=sha256_hex(GARBAGE))
    set_idp(settings, TOKEN_CACHE_POLL_SECONDS=0.0)

    assert me(client, GARBAGE).status_code == 200


def test_a_refusal_is_forgotten_after_its_time(client, settings, refusals_remembered, monkeypatch):
    set_idp(settings, TOKEN_CACHE_REFUSED_SECONDS=30.0)
    assert me(client, GARBAGE).status_code == 401
    checksum = sha256_hex(GARBAGE)
    assert access_tokens.is_refused(checksum)

    later = time.monotonic() + 31.0
    monkeypatch.setattr(time, "monotonic", lambda: later)

    assert not access_tokens.is_refused(checksum)


def test_no_refusal_is_remembered_when_switched_off(client, settings, refusals_remembered):
    set_idp(settings, TOKEN_CACHE_REFUSED_SECONDS=0.0)

    assert me(client, GARBAGE).status_code == 401

    assert len(access_tokens.refused) == 0
