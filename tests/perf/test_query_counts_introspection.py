"""Queries per token introspection (RFC 7662) by a resource server: the token, twice.

The resource server's client row comes from token_cache once the process has seen it. DOT's view loads
the token with its user and client; accounts.introspection reads it again for the members DOT leaves
out (iat, sub).
"""

import pytest
from django.urls import reverse

from tests.factories import ResourceServerApplicationFactory
from tests.flows import basic_auth

pytestmark = pytest.mark.django_db


def introspect(http, resource_server, token):
    return http.post(
        reverse("oauth2_provider:introspect"), {"token": token.raw_token}, **basic_auth(resource_server.client_id)
    )


def test_introspecting_a_live_token_costs_two_queries(client, access_token, feed_rhythm, django_assert_num_queries):
    resource_server = ResourceServerApplicationFactory()
    introspect(client, resource_server, access_token)  # this process has now seen the resource server

    with django_assert_num_queries(2):
        response = introspect(client, resource_server, access_token)

    assert response.status_code == 200
    assert response.json()["active"] is True
