"""Queries per client-credentials token: the token and its audit row, in one transaction.

1 the access token INSERT; 2 the audit row (audit.receivers), both inside the token endpoint's
transaction (provider.views.token): BEGIN, the two, COMMIT. The client row comes from the
per-process cache (token_cache: 0 queries once the process has seen the client, 1 the first time) and
its secret is checked with the fast salted-SHA-256 hasher (clients.hashers: no CPU-bound PBKDF2).
DOT's savepoint around the save is not counted (it touches no row); its re-read of the token for
``app_authorized`` is gone (provider.state hands the view the saved token), and with it audit's load
of the client.

These tests run outside a test transaction, as a request does in production, so the endpoint's
transaction shows as BEGIN ... COMMIT rather than as a savepoint pair inside the test's.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.flows import basic_auth
from tests.perf.statements import statements_in_one_transaction, table_writes

pytestmark = pytest.mark.django_db(transaction=True)


def client_credentials(http, app, url):
    return http.post(url, {"grant_type": "client_credentials", "scope": "users:read"}, **basic_auth(app.client_id))


def test_client_credentials_costs_two_queries_in_one_transaction(client, machine_app, token_url, feed_rhythm):
    client_credentials(client, machine_app, token_url)  # this process has now seen the client

    with CaptureQueriesContext(connection) as captured:
        response = client_credentials(client, machine_app, token_url)

    assert response.status_code == 200
    assert response.json()["token_type"] == "Bearer"
    assert table_writes(statements_in_one_transaction(captured)) == [
        "INSERT oauth2_provider_accesstoken",
        "INSERT audit_auditevent",
    ]


def test_the_first_token_of_a_client_in_a_process_costs_one_more(client, machine_app, token_url, feed_rhythm):
    with CaptureQueriesContext(connection) as captured:
        response = client_credentials(client, machine_app, token_url)

    assert response.status_code == 200
    assert table_writes(statements_in_one_transaction(captured)) == [
        "SELECT clients_application",
        "INSERT oauth2_provider_accesstoken",
        "INSERT audit_auditevent",
    ]
