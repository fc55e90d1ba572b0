"""A PostgreSQL wait cut short by lock_timeout or statement_timeout is a 503 "busy, retry", never a 500.

The wait is bounded by settings (DATABASE_LOCK_TIMEOUT_MS, DATABASE_STATEMENT_TIMEOUT_MS, sent as the
connection's options); what the timeout raises is answered like an outage (JSON for protocols, the
page for people, Retry-After on both), worded as what it is: busy, not unreachable.
"""

import json

import psycopg.errors
import pytest
from django.db import OperationalError, connection
from django.test import RequestFactory
from django.urls import reverse

from config.database_outage import is_lock_contention, server_error
from tests.faults.outage import database_down, database_wait_times_out
from tests.flows import authorize_params, basic_auth, pkce_pair

pytestmark = pytest.mark.django_db

BUSY = "The server is busy right now. Retry in a moment."


def assert_busy_json_503(response) -> None:
    assert response.status_code == 503, response.content
    assert response["Content-Type"] == "application/json"
    assert json.loads(response.content) == {"error": "temporarily_unavailable", "error_description": BUSY}
    assert response["Retry-After"] == "1"
    assert response["Cache-Control"] == "no-store"


@pytest.mark.parametrize(
    "cause",
    [psycopg.errors.LockNotAvailable("lock timeout"), psycopg.errors.QueryCanceled("statement timeout")],
    ids=["lock_timeout", "statement_timeout"],
)
def test_a_timed_out_wait_is_busy(cause):
    error = OperationalError(str(cause))
    error.__cause__ = cause

    assert is_lock_contention(error)


def test_an_unreachable_database_is_not_busy():
    error = OperationalError("connection refused")
    error.__cause__ = psycopg.errors.ConnectionTimeout("connection timeout expired")

    assert not is_lock_contention(error)
    assert not is_lock_contention(OperationalError("no cause"))


def test_the_token_endpoint_answers_busy_json_with_retry_after(client, machine_app):
    with database_wait_times_out(when=lambda sql: "oauth2_provider_accesstoken" in sql):
        response = client.post(
            reverse("oauth2_provider:token"), {"grant_type": "client_credentials"}, **basic_auth(machine_app.client_id)
        )

    assert_busy_json_503(response)


def test_a_browser_page_gets_the_readable_503_page_saying_busy(browser, web_app):
    _, challenge = pkce_pair()
    authorize_url = reverse("oauth2_provider:authorize")

    with database_wait_times_out():
        response = browser.get(authorize_url, authorize_params(web_app, challenge=challenge), HTTP_ACCEPT="text/html")

    assert response.status_code == 503
    assert response["Content-Type"].startswith("text/html")
    assert response["Retry-After"] == "1"
    assert b"is busy right now" in response.content
    assert b"cannot reach its database" not in response.content


def test_an_outage_page_still_says_unreachable(browser, web_app):
    _, challenge = pkce_pair()
    authorize_url = reverse("oauth2_provider:authorize")

    with database_down():
        response = browser.get(authorize_url, authorize_params(web_app, challenge=challenge), HTTP_ACCEPT="text/html")

    assert b"cannot reach its database" in response.content


def test_a_timed_out_wait_outside_any_view_is_busy_too():
    request = RequestFactory().post("/o/token/")
    cause = psycopg.errors.QueryCanceled("canceling statement due to statement timeout")

    try:
        raise OperationalError(str(cause)) from cause
    except OperationalError:
        response = server_error(request)

    assert_busy_json_503(response)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the timeouts are PostgreSQL connection settings")
def test_every_connection_has_the_configured_timeouts(settings):
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('statement_timeout'), current_setting('lock_timeout')")
        statement_timeout, lock_timeout = cursor.fetchone()

    # PostgreSQL shows whole seconds as "10s", others in milliseconds ("1500ms").
    assert _milliseconds(statement_timeout) == settings.DATABASE_STATEMENT_TIMEOUT_MS
    assert _milliseconds(lock_timeout) == settings.DATABASE_LOCK_TIMEOUT_MS


def _milliseconds(shown: str) -> int:
    units = {"ms": 1, "s": 1000, "min": 60_000}
    for unit in sorted(units, key=len, reverse=True):
        if shown.endswith(unit):
            return int(shown[: -len(unit)]) * units[unit]
    return int(shown)
