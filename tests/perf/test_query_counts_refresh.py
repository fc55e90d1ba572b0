"""Queries per refresh (rotating, with a new ID token): eight, in one transaction.

1 the refresh token, read once and locked as it is read (provider.validator: DOT's checks re-stated
around one query), with its user, its access token (for the idle limit and the scopes), its chain's
start (tokens.lifetimes) and sign-in (tokens.auth_time) in the same statement; the client is compared by
id (DOT loads it) and comes from token_cache; 2 the ID token INSERT; 3 the old refresh token revoked,
its access-token pointer cleared in the same UPDATE; 4-5 the old access token deleted by Django's
collector, which first re-sends the SET NULL of the refresh token's pointer (one statement more than the
raw delete this used to make: the price of not using the QuerySet's private fast-delete path); 6-7 the
new access and refresh token INSERTs; 8 the audit row. DOT's second and third locks of the refresh
token, its lock of the old access token, RefreshToken.revoke()'s savepoint, load and full save, our own
re-lock before the save, and the separate reads of the user, the client and the family's start are gone.

The test runs outside a test transaction, as a request does in production, so the endpoint's
transaction shows as BEGIN ... COMMIT rather than as a savepoint pair inside the test's.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.perf.statements import statements_in_one_transaction, table_writes
from tests.tokens.probes import refresh

pytestmark = pytest.mark.django_db(transaction=True)


def test_refresh_costs_eight_queries_in_one_transaction(client, web_app, issued, feed_rhythm):
    with CaptureQueriesContext(connection) as captured:
        response = refresh(client, web_app, issued["refresh_token"])

    assert response.status_code == 200
    assert response.json()["refresh_token"] != issued["refresh_token"]
    read, *writes = statements_in_one_transaction(captured)
    # The family's start is a subquery in the select list, so the read is checked by its main table.
    assert read.startswith("SELECT")
    assert ' FROM "oauth2_provider_refreshtoken" INNER JOIN "accounts_user"' in read
    if connection.features.has_select_for_update_of:
        assert read.endswith('FOR UPDATE OF "oauth2_provider_refreshtoken"')
    assert table_writes(writes) == [
        "INSERT oauth2_provider_idtoken",
        "UPDATE oauth2_provider_refreshtoken",
        "UPDATE oauth2_provider_refreshtoken",
        "DELETE oauth2_provider_accesstoken",
        "INSERT oauth2_provider_accesstoken",
        "INSERT oauth2_provider_refreshtoken",
        "INSERT audit_auditevent",
    ]
