"""Queries per authorization-code exchange (with PKCE and an ID token): seven, in one transaction.

1 the Grant with its user and its sign-in (tokens.auth_time), read once (provider.validator; DOT reads
it six times, and a seventh for its RFC 8707 resources, which tokens.resources takes from the same row;
the client comes from token_cache, which the consent step filled); 2 the ID token INSERT (linked to the
access token without parsing the JWT back); 3 the DELETE that consumes the code, which is also the claim
that lets only one of several concurrent redemptions win (tokens.issuance); 4-6 the access token,
refresh token and token family INSERTs; 7 the audit row (DOT's savepoint pairs around the ID token and
the token save are not counted). Our lock before the delete, DOT's re-read of the new access token for
``app_authorized`` and audit's loads of that token's user and client are gone.

The test runs outside a test transaction, as a request does in production, so the endpoint's
transaction shows as BEGIN ... COMMIT rather than as a savepoint pair inside the test's.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.flows import exchange_code, obtain_code
from tests.perf.statements import statements_in_one_transaction, table_writes

pytestmark = pytest.mark.django_db(transaction=True)


def test_code_exchange_costs_seven_queries_in_one_transaction(browser, client, web_app, feed_rhythm):
    code, verifier = obtain_code(browser, web_app)

    with CaptureQueriesContext(connection) as captured:
        response = exchange_code(client, web_app, code, verifier)

    assert response.status_code == 200
    assert {"access_token", "refresh_token", "id_token"} <= response.json().keys()
    assert table_writes(statements_in_one_transaction(captured)) == [
        "SELECT oauth2_provider_grant",
        "INSERT oauth2_provider_idtoken",
        "DELETE oauth2_provider_grant",
        "INSERT oauth2_provider_accesstoken",
        "INSERT oauth2_provider_refreshtoken",
        "INSERT tokens_tokenfamily",
        "INSERT audit_auditevent",
    ]
