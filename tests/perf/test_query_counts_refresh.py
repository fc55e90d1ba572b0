"""Queries per refresh (rotating, with a new ID token).

The ID token just signed is linked to the new access token without parsing it back (saves 2), and the client comes from
token_cache. The rest is DOT's rotation and its locks: the refresh token and its user and client (DOT
compares the client through the refresh token's foreign key); tokens' absolute
lifetime check (the family's start); ID token INSERT in a savepoint pair; DOT re-locking the refresh
token and its access token, then revoking them (its own savepoint, lock, load, SET NULLs for the two
references, DELETE, UPDATE); the new access and refresh tokens; DOT's re-read for ``app_authorized``
and audit's loads of its user and client; the audit row; and the transaction's savepoints.
"""

import pytest

from tests.tokens.probes import refresh

pytestmark = pytest.mark.django_db


def test_refresh_costs_twenty_eight_queries(client, web_app, issued, feed_rhythm, django_assert_num_queries):
    with django_assert_num_queries(28):
        response = refresh(client, web_app, issued["refresh_token"])

    assert response.status_code == 200
    assert response.json()["refresh_token"] != issued["refresh_token"]
