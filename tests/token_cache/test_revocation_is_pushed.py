"""On PostgreSQL a committed change is pushed to each process's listener, which drops the cached token at once.

Each test runs its own cache with a listener and an hour between polls, and never asks it to read the feed:
only the push can explain a dropped entry. The changes are bulk updates, which send no model signal.
"""

import pytest
from django.db import transaction

from accounts.models import User
from tests.factories import AccessTokenFactory
from tests.token_cache.changes import BULK_CHANGES
from tests.token_cache.push import cache_token, on_postgresql, wait_for
from token_cache.listener import listener_connect
from token_cache.models import CHANNEL

pytestmark = on_postgresql


class Abandoned(Exception):
    """Raised to roll a transaction back."""


@pytest.fixture
def channel_listener(settings):
    """A connection of the test's own that LISTENs on the feed's channel."""
    with listener_connect() as listening:
        listening.execute(f"LISTEN {CHANNEL}")
        yield listening


@pytest.mark.parametrize("change", BULK_CHANGES)
def test_a_cached_token_is_dropped_by_the_push_alone(pushed_cache, change):
    token = AccessTokenFactory()
    cache_token(pushed_cache, token)

    change(token)

    assert wait_for(lambda: token.token_checksum not in pushed_cache.tokens)


def test_a_committed_change_is_announced_on_the_channel(channel_listener):
    user = AccessTokenFactory().user
    list(channel_listener.notifies(timeout=0.5))  # whatever creating the token announced

    User.objects.filter(pk=user.pk).update(is_active=False)

    notifications = list(channel_listener.notifies(timeout=10, stop_after=1))
    assert [notification.channel for notification in notifications] == [CHANNEL]


def test_a_change_rolled_back_is_never_announced(channel_listener):
    user = AccessTokenFactory().user
    list(channel_listener.notifies(timeout=0.5))  # whatever creating the token announced

    with pytest.raises(Abandoned), transaction.atomic():  # noqa: PT012
        User.objects.filter(pk=user.pk).update(is_active=False)
        raise Abandoned

    assert list(channel_listener.notifies(timeout=1)) == []
