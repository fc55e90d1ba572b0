"""Queries per client-credentials token: the work itself is 2 (token, audit row); the rest is DOT's and audit's.

1 the access token INSERT; 2 the audit row (audit.receivers). The client row comes from the per-process
cache (token_cache: 0 queries once the process has seen the client, 1 the first time) and its secret is
checked with the fast salted-SHA-256 hasher (clients.hashers: no CPU-bound PBKDF2).
Around them: the token endpoint's transaction (accounts.token_endpoints, a savepoint pair inside the
test's transaction, BEGIN/COMMIT in production), DOT's own savepoint pair around saving the token,
DOT's re-read of the token it just wrote to send ``app_authorized``, and audit's load of its client.
"""

import pytest

from tests.flows import basic_auth

pytestmark = pytest.mark.django_db


def client_credentials(http, app, url):
    return http.post(url, {"grant_type": "client_credentials", "scope": "users:read"}, **basic_auth(app.client_id))


def test_client_credentials_costs_eight_queries(
    client, machine_app, token_url, feed_rhythm, django_assert_num_queries
):
    client_credentials(client, machine_app, token_url)  # this process has now seen the client

    with django_assert_num_queries(8):
        response = client_credentials(client, machine_app, token_url)

    assert response.status_code == 200
    assert response.json()["token_type"] == "Bearer"


def test_the_first_token_of_a_client_in_a_process_costs_one_more(
    client, machine_app, token_url, feed_rhythm, django_assert_num_queries
):
    with django_assert_num_queries(9):
        response = client_credentials(client, machine_app, token_url)

    assert response.status_code == 200
