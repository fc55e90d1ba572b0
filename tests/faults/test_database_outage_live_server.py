"""A real app server whose database goes away answers 503 JSON at once, and recovers by itself when it returns.

The app (gunicorn, production-like persistent connections with health checks) reaches PostgreSQL
through a TCP proxy this test controls; cutting it black-holes the database mid-run.
"""

import json

import pytest
from django.conf import settings
from django.db import connection
from django.urls import reverse

from tests.factories import AccessTokenFactory
from tests.live_servers import call

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: the app server reaches it through a cuttable proxy",
    ),
    pytest.mark.django_db(transaction=True),
]


def test_outage_is_a_503_json_and_the_app_recovers_without_a_restart(proxied_app_server, database_proxy):
    token = AccessTokenFactory()
    userinfo = proxied_app_server + reverse("oauth2_provider:user-info")
    bearer = {"Authorization": f"Bearer {token.raw_token}"}
    assert call(userinfo, headers=bearer)[0] == 200

    database_proxy.cut()
    down = [
        call(userinfo, headers=bearer),
        call(proxied_app_server + reverse("oauth2_provider:token"), form={"grant_type": "client_credentials"}),
        call(proxied_app_server + reverse("api:me"), headers=bearer),
    ]

    for status, headers, body in down:
        assert status == 503, body
        assert headers["Content-Type"] == "application/json"
        assert json.loads(body)["error"] == "temporarily_unavailable"
        assert headers["Retry-After"].isdigit()
        assert b"Traceback" not in body

    database_proxy.restore()

    assert call(userinfo, headers=bearer)[0] == 200


def test_a_browser_page_gets_the_503_page_during_the_outage(proxied_app_server, database_proxy):
    database_proxy.cut()

    # A signed-in page reads the session table first (a well-formed key is looked up, a malformed one is not).
    cookie = f"{settings.SESSION_COOKIE_NAME}={'s' * 32}"
    status, headers, body = call(
        proxied_app_server + reverse("password_change"), headers={"Accept": "text/html", "Cookie": cookie}
    )

    assert status == 503
    assert headers["Content-Type"].startswith("text/html")
    assert b"Temporarily unavailable" in body
    assert b"Traceback" not in body
