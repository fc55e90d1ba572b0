"""Queries per token introspection (RFC 7662) by a resource server: its client, then the token twice.

DOT's view loads the token with its user and client; accounts.introspection reads it again for the
members DOT leaves out (iat, sub).
"""

import pytest
from django.urls import reverse

from tests.factories import ResourceServerApplicationFactory
from tests.flows import basic_auth

pytestmark = pytest.mark.django_db


def test_introspecting_a_live_token_costs_three_queries(client, access_token, django_assert_num_queries):
    resource_server = ResourceServerApplicationFactory()

    with django_assert_num_queries(3):
        response = client.post(
            reverse("oauth2_provider:introspect"),
            {"token": access_token.raw_token},
            **basic_auth(resource_server.client_id),
        )

    assert response.status_code == 200
    assert response.json()["active"] is True
