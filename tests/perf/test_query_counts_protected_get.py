"""Queries per protected API call: one the first time a process sees a token, none after (token_cache)."""

from collections.abc import Iterator

import pytest
from django.db.models.signals import post_init
from django.urls import reverse
from oauth2_provider.models import get_access_token_model

from accounts.models import User
from tests.idp import set_idp

pytestmark = pytest.mark.django_db


def bearer(token) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {token.raw_token}"}


def test_a_token_seen_for_the_first_time_costs_one_query(client, feed_read, access_token, django_assert_num_queries):
    # DOT's joined load of token, client and user; the profile fields then need no further query.
    with django_assert_num_queries(1):
        response = client.get(reverse("api:me"), **bearer(access_token))

    assert response.status_code == 200
    assert response.json()["username"] == access_token.user.username


def test_a_token_seen_before_costs_no_query(client, feed_read, access_token, django_assert_num_queries):
    client.get(reverse("api:me"), **bearer(access_token))

    with django_assert_num_queries(0):
        response = client.get(reverse("api:me"), **bearer(access_token))

    assert response.status_code == 200
    assert response.json()["first_name"] == access_token.user.first_name


@pytest.fixture
def access_tokens_built() -> Iterator[list]:
    """Every AccessToken instance made while the test runs, as Django's post_init signal reports them."""
    built = []

    def note(sender, instance, **kwargs) -> None:
        built.append(instance)

    post_init.connect(note, sender=get_access_token_model(), weak=False)
    yield built
    post_init.disconnect(note, sender=get_access_token_model())


def test_a_token_seen_before_builds_no_token_instance(client, feed_read, access_token, access_tokens_built):
    client.get(reverse("api:me"), **bearer(access_token))
    assert len(access_tokens_built) == 1  # the first presentation's load
    access_tokens_built.clear()

    response = client.get(reverse("api:me"), **bearer(access_token))

    assert response.status_code == 200
    assert access_tokens_built == []


def test_a_warm_call_once_the_feed_is_due_costs_the_one_feed_query(
    client, feed_read, settings, access_token, django_assert_num_queries
):
    client.get(reverse("api:me"), **bearer(access_token))
    set_idp(settings, TOKEN_CACHE_POLL_SECONDS=0.0)

    with django_assert_num_queries(1):
        response = client.get(reverse("api:me"), **bearer(access_token))

    assert response.status_code == 200


def test_a_profile_changed_behind_the_apps_back_shows_once_the_feed_is_read(
    client, feed_read, settings, access_token, django_assert_num_queries
):
    client.get(reverse("api:me"), **bearer(access_token))
    User.objects.filter(pk=access_token.user_id).update(first_name="Renamed")
    set_idp(settings, TOKEN_CACHE_POLL_SECONDS=0.0)

    # The feed read that names the user, and the token's reload. Test settings read the feed at every
    # lookup, so the validator's lookup reads it once more (production: at most once per 0.5 s).
    with django_assert_num_queries(3):
        response = client.get(reverse("api:me"), **bearer(access_token))

    assert response.json()["first_name"] == "Renamed"


def test_an_unknown_token_costs_one_query_and_is_refused(client, feed_read, django_assert_num_queries):
    with django_assert_num_queries(1):
        response = client.get(reverse("api:me"), HTTP_AUTHORIZATION="Bearer never-issued-token-0123456789")

    assert response.status_code == 401
    assert response.json()["error"] == "invalid_token"


def test_an_unknown_token_presented_again_costs_no_query(client, feed_read, settings, django_assert_num_queries):
    set_idp(settings, TOKEN_CACHE_REFUSED_SECONDS=60.0)
    client.get(reverse("api:me"), HTTP_AUTHORIZATION="Bearer never-issued-token-0123456789")

    with django_assert_num_queries(0):
        response = client.get(reverse("api:me"), HTTP_AUTHORIZATION="Bearer never-issued-token-0123456789")

    assert response.status_code == 401
    assert response.json()["error"] == "invalid_token"
