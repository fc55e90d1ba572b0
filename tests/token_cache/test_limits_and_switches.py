"""The cache's limits: switched off it is DOT's query per request, entries age out, and size is bounded."""

import time

import pytest
from django.urls import reverse

from tests.factories import AccessTokenFactory, ResourceServerApplicationFactory
from tests.flows import endpoint_request
from tests.idp import set_idp
from token_cache.cache import access_tokens

pytestmark = pytest.mark.django_db


def get_me(client, token):
    return client.get(reverse("api:me"), HTTP_AUTHORIZATION=f"Bearer {token.raw_token}")


def test_switched_off_every_call_loads_the_token(client, settings, access_token, django_assert_num_queries):
    set_idp(settings, TOKEN_CACHE_ENABLED=False)
    get_me(client, access_token)

    with django_assert_num_queries(1):
        assert get_me(client, access_token).status_code == 200


def test_an_entry_older_than_the_maximum_age_is_loaded_again(
    client, settings, rare_feed_reads, access_token, django_assert_num_queries
):
    get_me(client, access_token)
    set_idp(settings, TOKEN_CACHE_MAX_AGE_SECONDS=0.0)

    with django_assert_num_queries(1):
        assert get_me(client, access_token).status_code == 200


def test_the_cache_never_holds_more_than_its_maximum(client, settings, rare_feed_reads, user, web_app):
    set_idp(settings, TOKEN_CACHE_MAX_ENTRIES=3)
    for token in AccessTokenFactory.create_batch(5, user=user, application=web_app):
        assert get_me(client, token).status_code == 200

    assert len(access_tokens.tokens) == 3


def test_a_client_older_than_the_maximum_age_is_read_again_once_then_served_from_the_cache(
    client, settings, rare_feed_reads, access_token, django_assert_num_queries
):
    """The resource server's own row, kept by its authentication alone (the token read again is another client's)."""
    resource_server = ResourceServerApplicationFactory()
    token = access_token

    def introspect():
        response = endpoint_request(client, "oauth2_provider:introspect", resource_server, {"token": token.raw_token})
        assert response.status_code == 200, response.content

    introspect()  # the client and the token are kept
    set_idp(settings, TOKEN_CACHE_MAX_AGE_SECONDS=0.2)
    time.sleep(0.25)
    with django_assert_num_queries(2):  # both past the maximum age: the client and the token read again
        introspect()

    with django_assert_num_queries(0):  # and kept again, the client too
        introspect()
