"""How a process reads the feed: late commits with smaller ids are still seen, a failed read drops everything."""

import pytest
from django.db import DatabaseError

from tests.idp import set_idp
from token_cache.cache import access_tokens
from token_cache.models import InvalidationEvent
from token_cache.selectors import bearer_token_presented

pytestmark = pytest.mark.django_db

Kind = InvalidationEvent.Kind


def cache(token) -> None:
    bearer_token_presented(raw_token=token.raw_token)


def is_cached(token) -> bool:
    return token.token_checksum in access_tokens.tokens


def test_a_row_that_commits_after_a_larger_id_was_read_is_still_applied(settings, rare_feed_reads, access_token):
    set_idp(settings, TOKEN_CACHE_POLL_SECONDS=0.0)
    start = access_tokens._last_event_id
    cache(access_token)
    # PostgreSQL hands out ids at INSERT, so id start+2 may become visible before id start+1 commits.
    InvalidationEvent.objects.create(id=start + 2, kind=Kind.USER, ref=0)
    access_tokens.sync()
    assert is_cached(access_token)

    InvalidationEvent.objects.create(id=start + 1, kind=Kind.TOKEN, ref=access_token.pk)
    access_tokens.sync()

    assert not is_cached(access_token)


def test_a_row_about_another_token_leaves_this_one_cached(settings, rare_feed_reads, access_token):
    set_idp(settings, TOKEN_CACHE_POLL_SECONDS=0.0)
    cache(access_token)

    InvalidationEvent.objects.create(kind=Kind.TOKEN, ref=access_token.pk + 1000)
    access_tokens.sync()

    assert is_cached(access_token)


def test_when_the_feed_cannot_be_read_nothing_is_answered_from_the_cache(
    settings, monkeypatch, rare_feed_reads, access_token
):
    cache(access_token)
    set_idp(settings, TOKEN_CACHE_POLL_SECONDS=0.0)

    def unreachable():
        raise DatabaseError("connection lost")

    monkeypatch.setattr(access_tokens, "_read_feed", unreachable)
    access_tokens.sync()

    assert not is_cached(access_token)
