"""Queries per client-credentials token: the work itself is 3 (client, token, audit row); DOT and audit add 4.

1 the client row (checked with the fast salted-SHA-256 secret hasher, clients.hashers: no CPU-bound
  PBKDF2); 2 the access token INSERT; 3 the audit row (audit.receivers).
Around them: the token endpoint's transaction (accounts.token_endpoints, a savepoint pair inside the
test's transaction, BEGIN/COMMIT in production), DOT's own savepoint pair around saving the token,
DOT's re-read of the token it just wrote to send ``app_authorized``, and audit's load of its client.
"""

import pytest

from tests.flows import basic_auth

pytestmark = pytest.mark.django_db


def test_client_credentials_costs_nine_queries(client, machine_app, token_url, django_assert_num_queries):
    with django_assert_num_queries(9):
        response = client.post(
            token_url, {"grant_type": "client_credentials", "scope": "users:read"}, **basic_auth(machine_app.client_id)
        )

    assert response.status_code == 200
    assert response.json()["token_type"] == "Bearer"
