"""On PostgreSQL the statements a connection repeats are prepared (unless DATABASE_PREPARED_STATEMENTS=false).

The token endpoint sends the same few statements for every token; prepared, PostgreSQL skips parsing and
planning them. The first test reads the server's own list of the connection's prepared statements after
a run of client credentials requests; the second shows the switch that turns them off for PgBouncer.
"""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connection

from tests.factories import MachineApplicationFactory
from tests.flows import basic_auth

pytestmark = pytest.mark.django_db

on_postgresql = pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql", reason="PostgreSQL only"
)


def prepared_statements() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [row[0] for row in cursor.fetchall()]


@on_postgresql
def test_the_access_token_insert_is_prepared_once_the_connection_has_repeated_it(client):
    application = MachineApplicationFactory()
    for _ in range(6):
        response = client.post("/o/token/", {"grant_type": "client_credentials"}, **basic_auth(application.client_id))
        assert response.status_code == 200, response.content

    inserts = [sql for sql in prepared_statements() if sql.startswith('INSERT INTO "oauth2_provider_accesstoken"')]

    assert len(inserts) == 1
    assert "$1" in inserts[0]  # bound on the server: one plan, whatever the token


def settings_options(**env: str) -> str:
    script = (
        "import django; django.setup(); from django.conf import settings;"
        "print(sorted(settings.DATABASES['default']['OPTIONS'].items()))"
    )
    completed = subprocess.run(  # noqa: S603 - our own interpreter running a fixed script
        [sys.executable, "-c", script],
        env={
            **{name: value for name, value in os.environ.items() if name != "DATABASE_PREPARED_STATEMENTS"},
            "DJANGO_SETTINGS_MODULE": "config.settings.local",
            "DATABASE_URL": "postgres://idp@127.0.0.1:9/idp",
            **env,
        },
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    )
    return completed.stdout


def test_prepared_statements_can_be_turned_off_for_a_pooler_that_cannot_keep_them():
    default = settings_options()
    off = settings_options(DATABASE_PREPARED_STATEMENTS="false")

    assert "('prepare_threshold', 5)" in default
    assert "('server_side_binding', True)" in default
    assert "('prepare_threshold', None)" in off
    assert "server_side_binding" not in off
