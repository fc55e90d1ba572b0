"""A real app server whose database is cut: /health/live stays 200, /health/ready is 503 until it returns.

The app (gunicorn, production-like persistent connections with health checks) reaches PostgreSQL
through a TCP proxy this test controls, as in tests/faults/test_database_outage_live_server.py.
"""

import json

import pytest
from django.db import connection
from django.urls import reverse

from tests.live_servers import call

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: the app server reaches it through a cuttable proxy",
    ),
    pytest.mark.django_db(transaction=True),
]


def probe(base_url: str, url_name: str) -> tuple[int, dict]:
    status, headers, body = call(base_url + reverse(url_name))
    assert headers["Content-Type"] == "application/json"
    assert headers["Cache-Control"] == "no-store"
    return status, json.loads(body)


def test_a_cut_database_makes_the_instance_unready_not_dead_until_it_returns(proxied_app_server, database_proxy):
    assert probe(proxied_app_server, "health:ready") == (
        200,
        {"status": "ok", "checks": {"database": "ok", "cache": "ok"}},
    )

    database_proxy.cut()

    assert probe(proxied_app_server, "health:live") == (200, {"status": "ok"})
    assert probe(proxied_app_server, "health:ready") == (
        503,
        {"status": "unavailable", "checks": {"database": "failed", "cache": "ok"}},
    )

    database_proxy.restore()

    assert probe(proxied_app_server, "health:ready")[0] == 200
