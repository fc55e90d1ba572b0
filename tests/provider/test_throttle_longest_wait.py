"""The wait before a throttled caller may retry is the longest block among the limits it is checked against."""

import pytest

from provider.throttling import Limit, longest_retry_after, register_failure

pytestmark = pytest.mark.django_db

SHORT = Limit("longest-wait-short", max_failures=1, window=30)
LONG = Limit("longest-wait-long", max_failures=1, window=600)


def test_no_block_means_no_wait():
    assert longest_retry_after((SHORT, "client-a"), (LONG, "10.0.0.1")) == 0


def test_one_blocked_subject_is_enough_to_wait():
    register_failure(LONG, "10.0.0.1")

    assert 590 <= longest_retry_after((SHORT, "client-a"), (LONG, "10.0.0.1")) <= 600


def test_the_longer_of_two_blocks_wins():
    register_failure(SHORT, "client-a")
    register_failure(LONG, "10.0.0.1")

    assert longest_retry_after((SHORT, "client-a"), (LONG, "10.0.0.1")) > 30


def test_a_missing_subject_or_a_disabled_limit_is_never_blocked():
    register_failure(SHORT, "client-a")

    assert longest_retry_after((SHORT, None), (Limit("off", max_failures=0, window=60), "client-a")) == 0
