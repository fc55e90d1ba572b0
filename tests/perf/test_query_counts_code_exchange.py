"""Queries per authorization-code exchange (with PKCE and an ID token).

The Grant is read once (token_cache.endpoint_reads; DOT reads it six times) and the ID token just
signed is linked without parsing it back (DOT: an RSA verify, the client and the row again). What
remains, in order: the transaction savepoint; Grant + user (the client comes from token_cache, which
the consent step filled); ID token INSERT in DOT's savepoint
pair; DOT's savepoint around the token writes; tokens.issuance locking and deleting the code (one-time
use under concurrency) and DOT's resource lookup of the code; access token, refresh token and token
family INSERTs; DOT's re-read of the new token for ``app_authorized`` and audit's loads of its user and
client; the audit row; release.
"""

import pytest

from tests.flows import exchange_code, obtain_code

pytestmark = pytest.mark.django_db


def test_code_exchange_costs_eighteen_queries(browser, client, web_app, feed_rhythm, django_assert_num_queries):
    code, verifier = obtain_code(browser, web_app)

    with django_assert_num_queries(18):
        response = exchange_code(client, web_app, code, verifier)

    assert response.status_code == 200
    assert {"access_token", "refresh_token", "id_token"} <= response.json().keys()
