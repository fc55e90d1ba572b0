"""The example resource service (demo/resource_service), a separate process, verifies a live provider's JWTs offline.

The provider runs in gunicorn over the test database; the service knows only the provider's issuer and its own
audience, finds the JWKS through discovery, and never talks to the database or the introspection endpoint.
"""

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from clients.models import AccessTokenFormat
from tests.factories import CLIENT_SECRET, MachineApplicationFactory
from tests.flows import basic_auth
from tests.live_servers import call, free_port, gunicorn_start, gunicorn_stop, wait_until_serving

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: the provider's app process must share the test database",
    ),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture(scope="module")
def provider(django_db_setup, tmp_path_factory) -> Iterator[str]:
    """The provider in its own process, over the test database; yields its base URL (its issuer)."""
    database = connection.settings_dict
    log_path = tmp_path_factory.mktemp("provider") / "provider.log"
    server, base_url = gunicorn_start(
        database_url=f"postgres://{database['USER']}@{database['HOST'] or '127.0.0.1'}:{database['PORT'] or 5432}"
        f"/{database['NAME']}",
        log_path=log_path,
        args=("--workers", "1"),
    )
    try:
        wait_until_serving(server, base_url, log_path)
        yield base_url
    finally:
        gunicorn_stop(server)


@pytest.fixture(scope="module")
def resource_service(provider, tmp_path_factory) -> Iterator[str]:
    """demo/resource_service in its own process, trusting ``provider``; yields its base URL (its audience)."""
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    log_path: Path = tmp_path_factory.mktemp("service") / "service.log"
    service_env = {
        # Only what the service is told: no DATABASE_URL, no provider settings.
        "PATH": os.environ.get("PATH", ""),
        "DJANGO_SETTINGS_MODULE": "demo.resource_service.settings",
        "RESOURCE_SERVICE_ISSUER": provider,
        "RESOURCE_SERVICE_AUDIENCE": f"{base_url}/",
    }
    with log_path.open("w") as log:
        server = subprocess.Popen(  # noqa: S603 - fixed command, our own interpreter
            [
                sys.executable,
                "-m",
                "gunicorn",
                "demo.resource_service.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
            ],
            cwd=settings.BASE_DIR,
            env=service_env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_for(server, base_url, log_path)
        yield base_url
    finally:
        gunicorn_stop(server)


def _wait_for(server: subprocess.Popen, base_url: str, log_path: Path) -> None:
    deadline = time.monotonic() + 60
    while True:
        try:
            call(f"{base_url}/reports/")
            return
        except OSError:
            assert server.poll() is None, f"the resource service exited at start:\n{log_path.read_text()}"
            assert time.monotonic() < deadline, f"the resource service did not start:\n{log_path.read_text()}"
            time.sleep(0.2)


@pytest.fixture
def jwt_client():
    return MachineApplicationFactory(
        access_token_format=AccessTokenFormat.JWT, allowed_scopes=["users:read", "notes:read"]
    )


def token_from(provider: str, client, *, scope: str, resource: str) -> str:
    status, _headers, body = call(
        f"{provider}/o/token/",
        headers=basic_auth_header(client.client_id),
        form={"grant_type": "client_credentials", "scope": scope, "resource": resource},
    )
    assert status == 200, body
    return json.loads(body)["access_token"]


def basic_auth_header(client_id: str) -> dict:
    return {"Authorization": basic_auth(client_id, CLIENT_SECRET)["HTTP_AUTHORIZATION"]}


def test_a_token_for_the_service_is_accepted_offline(provider, resource_service, jwt_client):
    token = token_from(provider, jwt_client, scope="users:read", resource=f"{resource_service}/")

    status, _headers, body = call(f"{resource_service}/reports/", headers={"Authorization": f"Bearer {token}"})

    assert status == 200, body
    report = json.loads(body)
    assert report["sub"] == report["client_id"] == jwt_client.client_id
    assert report["scope"] == ["users:read"]


def test_no_token_gets_the_bare_challenge(resource_service):
    status, headers, _body = call(f"{resource_service}/reports/")

    assert status == 401
    assert headers["WWW-Authenticate"] == 'Bearer realm="reports"'


def test_a_token_without_the_scope_gets_insufficient_scope(provider, resource_service, jwt_client):
    token = token_from(provider, jwt_client, scope="users:read", resource=f"{resource_service}/")

    status, headers, _body = call(f"{resource_service}/notes-summary/", headers={"Authorization": f"Bearer {token}"})

    assert status == 403
    assert headers["WWW-Authenticate"].startswith('Bearer realm="reports", error="insufficient_scope"')
    assert 'scope="notes:read"' in headers["WWW-Authenticate"]


def test_a_token_for_another_audience_is_refused(provider, resource_service, jwt_client):
    token = token_from(provider, jwt_client, scope="users:read", resource="https://other.example.test/")

    status, headers, _body = call(f"{resource_service}/reports/", headers={"Authorization": f"Bearer {token}"})

    assert status == 401
    assert 'error="invalid_token"' in headers["WWW-Authenticate"]


def test_an_opaque_token_is_refused(provider, resource_service, jwt_client):
    status, _headers, _body = call(f"{resource_service}/reports/", headers={"Authorization": "Bearer not-a-jwt"})

    assert status == 401


def test_a_revoked_token_still_passes_offline_until_it_expires(provider, resource_service, jwt_client):
    # What docs/jwt-access-tokens.md warns about, pinned: offline verification cannot see a revocation.
    token = token_from(provider, jwt_client, scope="users:read", resource=f"{resource_service}/")
    revoked = call(
        f"{provider}/o/revoke_token/", headers=basic_auth_header(jwt_client.client_id), form={"token": token}
    )
    assert revoked[0] == 200

    status, _headers, _body = call(f"{resource_service}/reports/", headers={"Authorization": f"Bearer {token}"})

    assert status == 200
