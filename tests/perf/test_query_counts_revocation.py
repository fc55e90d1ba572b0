"""Queries per revocation of an access token (RFC 7009), which ends its whole grant.

The client comes from token_cache (the code flow that issued the token filled it). Then: audit's check
of what was presented; tokens' lookup of the family (by refresh token, then by access token); the
family revoked under a lock (tokens.services: lock, bulk revoke, delete of the access token with the SET
NULL of its refresh token's pointer; the token family keeps only its id, so it needs none) in savepoints,
all through the one revocation service (tokens.services.token_revoke); the audit row.
"""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_revoking_an_access_token_costs_fourteen_queries(
    client, web_app, web_auth, issued, feed_rhythm, django_assert_num_queries
):
    with django_assert_num_queries(14):
        response = client.post(
            reverse("oauth2_provider:revoke-token"),
            {"token": issued["access_token"], "token_type_hint": "access_token"},
            **web_auth,
        )

    assert response.status_code == 200
