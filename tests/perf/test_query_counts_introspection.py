"""Queries per token introspection (RFC 7662) by a resource server: none for a token this process has seen.

The resource server's client row comes from token_cache once the process has seen it, and so does the
token with its user and client (the row DOT's view would load, which the cache drops when the token, its
user or its client changes). What remains:

* a token this process has not seen yet: one query, the joined load of token, user and client;
* a token seen before: none, until a change to one of those rows empties its entry;
* the first request of a process also reads the client row of the resource server once.
"""

import pytest
from django.urls import reverse

from tests.factories import AccessTokenFactory, ResourceServerApplicationFactory
from tests.flows import basic_auth

pytestmark = pytest.mark.django_db


def introspect(http, resource_server, token):
    return http.post(
        reverse("oauth2_provider:introspect"), {"token": token.raw_token}, **basic_auth(resource_server.client_id)
    )


@pytest.fixture
def resource_server(client, access_token, feed_rhythm):
    """A resource server this process has already seen (it introspected another token)."""
    resource_server = ResourceServerApplicationFactory()
    introspect(client, resource_server, access_token)
    return resource_server


def test_introspecting_a_token_for_the_first_time_costs_one_query(
    client, resource_server, user, web_app, django_assert_num_queries
):
    token = AccessTokenFactory(user=user, application=web_app, scope="openid profile")

    with django_assert_num_queries(1):
        response = introspect(client, resource_server, token)

    assert response.json()["active"] is True


def test_introspecting_a_token_seen_before_costs_no_query(
    client, resource_server, access_token, django_assert_num_queries
):
    with django_assert_num_queries(0):
        response = introspect(client, resource_server, access_token)

    assert response.status_code == 200
    assert response.json()["active"] is True
    assert response.json()["sub"] == str(access_token.user_id)
