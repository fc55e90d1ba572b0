"""Users and clients have caches of their own; a change to either reaches them and every token record naming it."""

import pytest
from django.urls import reverse

from accounts.models import User
from clients.models import Application
from tests.factories import AccessTokenFactory
from tests.idp import set_idp
from token_cache.cache import access_tokens
from token_cache.selectors import user_cached

pytestmark = pytest.mark.django_db


def get_me(client, token):
    return client.get(reverse("api:me"), HTTP_AUTHORIZATION=f"Bearer {token.raw_token}")


@pytest.fixture
def cached(client, rare_feed_reads, access_token):
    """``access_token`` presented once: its record, its user and its client are all cached."""
    assert get_me(client, access_token).status_code == 200
    assert access_token.token_checksum in access_tokens.tokens
    assert access_token.user_id in access_tokens.users
    assert access_token.application.client_id in access_tokens.clients
    return access_token


def feed_read(settings) -> None:
    """The poll interval has passed: the next lookup reads the feed (as another process would see it)."""
    set_idp(settings, TOKEN_CACHE_POLL_SECONDS=0.0)
    access_tokens.sync()


def test_a_user_renamed_here_is_dropped_from_both_caches_at_once(client, cached):
    cached.user.first_name = "Alicia"
    cached.user.save()

    assert cached.user_id not in access_tokens.users
    assert cached.token_checksum not in access_tokens.tokens
    assert get_me(client, cached).json()["first_name"] == "Alicia"


def test_a_user_deactivated_here_is_dropped_from_both_caches_at_once(client, cached):
    cached.user.is_active = False
    cached.user.save()

    assert cached.user_id not in access_tokens.users
    assert cached.token_checksum not in access_tokens.tokens
    assert get_me(client, cached).status_code == 401


def test_a_client_disabled_here_is_dropped_from_both_caches_at_once(client, cached):
    cached.application.is_active = False
    cached.application.save()

    assert cached.application.client_id not in access_tokens.clients
    assert cached.token_checksum not in access_tokens.tokens
    assert get_me(client, cached).status_code == 401


@pytest.mark.parametrize(
    ("change", "dropped_from"),
    [
        pytest.param(
            lambda token: User.objects.filter(pk=token.user_id).update(is_active=False), "users", id="deactivated"
        ),
        pytest.param(
            lambda token: User.objects.filter(pk=token.user_id).update(first_name="Alicia"), "users", id="renamed"
        ),
        pytest.param(
            lambda token: Application.objects.filter(pk=token.application_id).update(is_active=False),
            "clients",
            id="client-disabled",
        ),
    ],
)
def test_a_change_behind_the_apps_back_reaches_both_caches_from_the_next_feed_read(
    settings, cached, change, dropped_from
):
    change(cached)
    feed_read(settings)

    key = cached.user_id if dropped_from == "users" else cached.application.client_id
    assert key not in getattr(access_tokens, dropped_from)
    assert cached.token_checksum not in access_tokens.tokens


def test_the_user_cache_answers_the_old_user_until_the_feed_names_it_and_never_after(settings, cached):
    User.objects.filter(pk=cached.user_id).update(first_name="Alicia")
    # Within the poll interval a process may still answer from what it read (the documented bound)...
    assert access_tokens.user(cached.user_id).first_name == cached.user.first_name

    feed_read(settings)

    # ...and once the feed named the user it never does again: the next lookup reads the row.
    assert access_tokens.user(cached.user_id) is None
    assert user_cached(user_id=cached.user_id).first_name == "Alicia"
    assert access_tokens.user(cached.user_id).first_name == "Alicia"


def test_a_user_with_several_tokens_is_cached_once(client, rare_feed_reads, access_token, user, web_app):
    tokens = [access_token, *AccessTokenFactory.create_batch(2, user=user, application=web_app)]
    for token in tokens:
        assert get_me(client, token).status_code == 200

    assert len(access_tokens.tokens) == 3
    assert len(access_tokens.users) == 1
    assert len(access_tokens.clients) == 1
