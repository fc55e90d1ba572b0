"""A JWT access token revoked through one app process is refused by another within TOKEN_CACHE_POLL_SECONDS.

Two gunicorn processes serve the test database with production's poll interval. Both accept a JWT access
token (so each has verified and cached it), then it is revoked through the first. The second learns of it
from the invalidation feed (token_cache), not from the JWT, whose signature and claims are still valid.
"""

import json
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.db import connection
from django.urls import reverse

from clients.models import AccessTokenFormat
from tests.factories import CLIENT_SECRET, MachineApplicationFactory
from tests.flows import basic_auth
from tests.live_servers import call, gunicorn_start, gunicorn_stop, wait_until_serving

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: separate app processes must share the test database",
    ),
    pytest.mark.django_db(transaction=True),
]

POLL_SECONDS = 0.5  # production's TOKEN_CACHE_POLL_SECONDS


def start_server(tmp_path: Path, name: str) -> tuple[subprocess.Popen, str, Path]:
    database = connection.settings_dict
    log_path = tmp_path / f"{name}.log"
    server, base_url = gunicorn_start(
        database_url=f"postgres://{database['USER']}@{database['HOST'] or '127.0.0.1'}:{database['PORT'] or 5432}"
        f"/{database['NAME']}?conn_max_age=60",
        log_path=log_path,
        env={"TOKEN_CACHE_POLL_SECONDS": str(POLL_SECONDS)},
        args=("--workers", "1"),
    )
    return server, base_url, log_path


@pytest.fixture(scope="module")
def two_processes(django_db_setup, tmp_path_factory) -> Iterator[list[str]]:
    """Two app processes over the test database; yields their base URLs."""
    tmp_path = tmp_path_factory.mktemp("servers")
    servers = [start_server(tmp_path, name) for name in ("first", "second")]
    try:
        for server, base_url, log_path in servers:
            wait_until_serving(server, base_url, log_path)
        yield [base_url for _server, base_url, _log in servers]
    finally:
        for server, _base_url, _log in servers:
            gunicorn_stop(server)


def client_auth(client) -> dict:
    return {"Authorization": basic_auth(client.client_id, CLIENT_SECRET)["HTTP_AUTHORIZATION"]}


def test_a_jwt_revoked_through_one_process_is_refused_by_the_other_within_the_poll_interval(two_processes):
    first, second = two_processes
    jwt_client = MachineApplicationFactory(access_token_format=AccessTokenFormat.JWT)
    status, _headers, body = call(
        first + reverse("oauth2_provider:token"),
        headers=client_auth(jwt_client),
        form={"grant_type": "client_credentials"},
    )
    assert status == 200, body
    token = json.loads(body)["access_token"]
    bearer = {"Authorization": f"Bearer {token}"}
    # Without OIDC_ISSUER the issuer is the request's origin, and the processes listen on two ports: both are
    # asked under the first one's Host, as processes behind one load balancer are (production pins the issuer).
    bearer["Host"] = urlsplit(first).netloc
    for base_url in two_processes:
        assert call(base_url + reverse("api:user-list"), headers=bearer)[0] == 200

    revoked = call(
        first + reverse("oauth2_provider:revoke-token"), headers=client_auth(jwt_client), form={"token": token}
    )
    revoked_at = time.monotonic()

    assert revoked[0] == 200
    assert call(first + reverse("api:user-list"), headers=bearer)[0] == 401
    time.sleep(max(0.0, revoked_at + POLL_SECONDS - time.monotonic()))
    status, headers, _body = call(second + reverse("api:user-list"), headers=bearer)
    assert status == 401
    assert 'error="invalid_token"' in headers["WWW-Authenticate"]
