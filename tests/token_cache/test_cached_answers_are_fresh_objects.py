"""A cached token is one immutable record; its user and client are rebuilt for every request from their values."""

import pytest

from accounts.models import User
from clients.models import Application
from token_cache.selectors import bearer_token_presented

pytestmark = pytest.mark.django_db


def presented(token):
    return bearer_token_presented(raw_token=token.raw_token)


def field_values(instance) -> dict:
    return {field.attname: getattr(instance, field.attname) for field in type(instance)._meta.concrete_fields}


def test_a_cache_hit_returns_a_real_user_and_client_with_every_field(rare_feed_reads, access_token):
    presented(access_token)

    hit = presented(access_token)

    assert isinstance(hit.user, User)
    assert isinstance(hit.client, Application)
    assert field_values(hit.user) == field_values(User.objects.get(pk=access_token.user_id))
    assert field_values(hit.client) == field_values(Application.objects.get(pk=access_token.application_id))


def test_a_rebuilt_user_saves_as_the_row_it_came_from(rare_feed_reads, access_token):
    presented(access_token)
    user = presented(access_token).user

    user.first_name = "Alicia"
    user.save(update_fields=["first_name"])  # an UPDATE of the row: from_db marks the instance as read

    assert User.objects.count() == 1
    assert User.objects.get(pk=access_token.user_id).first_name == "Alicia"


def test_what_one_request_changes_on_its_objects_never_reaches_the_next(rare_feed_reads, access_token):
    presented(access_token)
    first = presented(access_token)
    first.user.first_name = "Mallory"
    first.client.allowed_scopes.append("users:read")

    second = presented(access_token)

    assert second.user is not first.user
    assert second.user.first_name == access_token.user.first_name
    assert "users:read" not in second.client.allowed_scopes


def test_every_request_shares_the_one_record_of_the_token(rare_feed_reads, access_token):
    presented(access_token)

    assert presented(access_token).token is presented(access_token).token


def test_a_hit_needs_no_query(rare_feed_reads, access_token, django_assert_num_queries):
    presented(access_token)

    with django_assert_num_queries(0):
        hit = presented(access_token)
        assert hit.user.username == access_token.user.username
        assert hit.client.client_id == access_token.application.client_id
