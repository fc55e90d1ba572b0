"""A cached token is rebuilt for every request: real model instances, nothing shared between requests."""

import copy
import pickle

import pytest
from oauth2_provider.models import get_access_token_model

from accounts.models import User
from clients.models import Application
from tests.factories import ApplicationFactory
from token_cache.cache import access_tokens

pytestmark = pytest.mark.django_db


def load(token):
    return get_access_token_model().objects.select_related("application", "user").get(pk=token.pk)


def cached(token):
    return access_tokens.access_token(token.token_checksum, lambda: load(token))


def test_a_cache_hit_returns_a_real_user_and_client_with_every_field(rare_feed_reads, access_token):
    cached(access_token)

    hit = cached(access_token)

    assert isinstance(hit.user, User)
    assert isinstance(hit.application, Application)
    assert hit.user.email == access_token.user.email
    assert hit.application.allowed_scopes == access_token.application.allowed_scopes
    assert not hit._state.adding


def test_what_one_request_changes_on_its_objects_never_reaches_the_next(rare_feed_reads, access_token):
    cached(access_token)
    first = cached(access_token)
    first.user.first_name = "Mallory"
    first.application.allowed_scopes.append("users:read")
    first.scope = "everything"

    second = cached(access_token)

    assert second.user is not first.user
    assert second.user.first_name == access_token.user.first_name
    assert "users:read" not in second.application.allowed_scopes
    assert second.scope == "openid profile"


def test_a_hit_needs_no_query(rare_feed_reads, access_token, django_assert_num_queries):
    cached(access_token)

    with django_assert_num_queries(0):
        hit = cached(access_token)
        assert hit.user.username == access_token.user.username
        assert hit.application.client_id == access_token.application.client_id


def test_a_client_nobody_read_is_still_there_for_a_copy_or_a_pickle(rare_feed_reads, access_token):
    cached(access_token)
    hit = cached(access_token)  # its client is built only when read

    restored = pickle.loads(pickle.dumps(hit))  # noqa: S301 - our own bytes, just made

    assert restored.application.client_id == access_token.application.client_id
    assert copy.copy(hit).application.client_id == access_token.application.client_id


def test_pointing_a_cached_token_at_another_client_forgets_the_one_nobody_read(
    rare_feed_reads, access_token, django_assert_num_queries
):
    other = ApplicationFactory()
    cached(access_token)
    hit = cached(access_token)

    hit.application_id = other.pk

    with django_assert_num_queries(1):
        assert hit.application == other
