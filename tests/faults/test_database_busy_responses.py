"""A database lock held too long is a busy server, not an outage: 503 "busy", Retry-After 1, logged as contention."""

import json
import logging

import psycopg.errors
import pytest
from django.db import OperationalError
from django.urls import reverse

from config.database_outage import is_lock_contention
from tests.faults.outage import LOCKED, OUTAGE, database_down
from tests.flows import authorize_params, basic_auth, pkce_pair

pytestmark = pytest.mark.django_db

BUSY = {"error": "temporarily_unavailable", "error_description": "The server is busy right now. Retry in a moment."}


def test_a_locked_database_at_the_token_endpoint_is_a_busy_503_with_a_short_retry_after(client, machine_app):
    with database_down(message=LOCKED):
        response = client.post(
            reverse("oauth2_provider:token"), {"grant_type": "client_credentials"}, **basic_auth(machine_app.client_id)
        )

    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    assert json.loads(response.content) == BUSY
    assert response["Retry-After"] == "1"
    assert response["Cache-Control"] == "no-store"


def test_lock_contention_is_logged_as_contention_not_as_an_outage(client, machine_app, caplog):
    with caplog.at_level(logging.WARNING, logger="config.database_outage"), database_down(message=LOCKED):
        client.post(reverse("oauth2_provider:revoke-token"), {"token": "x"}, **basic_auth(machine_app.client_id))

    messages = [(r.levelname, r.getMessage()) for r in caplog.records if r.name == "config.database_outage"]
    assert messages == [("WARNING", "Database busy (lock contention) for POST /o/revoke_token/: database is locked")]


def test_a_browser_page_says_the_server_is_busy(browser, web_app):
    _, challenge = pkce_pair()

    with database_down(message=LOCKED):
        response = browser.get(
            reverse("oauth2_provider:authorize"),
            authorize_params(web_app, challenge=challenge),
            HTTP_ACCEPT="text/html",
        )

    assert response.status_code == 503
    assert response["Retry-After"] == "1"
    assert b"is busy right now" in response.content
    assert b"try again in 1 second." in response.content
    assert b"cannot reach its database" not in response.content


def test_a_retry_after_the_lock_is_released_succeeds(client, machine_app):
    with database_down(message=LOCKED):
        refused = client.post(
            reverse("oauth2_provider:token"), {"grant_type": "client_credentials"}, **basic_auth(machine_app.client_id)
        )

    retried = client.post(
        reverse("oauth2_provider:token"), {"grant_type": "client_credentials"}, **basic_auth(machine_app.client_id)
    )

    assert refused.status_code == 503
    assert retried.status_code == 200


def postgresql_error(cause: Exception) -> OperationalError:
    """Django's OperationalError wrapping a psycopg error, as django.db.utils.DatabaseErrorWrapper raises it."""
    error = OperationalError(str(cause))
    error.__cause__ = cause
    return error


@pytest.mark.parametrize(
    ("error", "busy"),
    [
        (OperationalError("database is locked"), True),
        (OperationalError("database table is locked: oauth2_provider_accesstoken"), True),
        (postgresql_error(psycopg.errors.LockNotAvailable("canceling statement due to lock timeout")), True),
        (postgresql_error(psycopg.errors.DeadlockDetected("deadlock detected")), True),
        (postgresql_error(psycopg.errors.SerializationFailure("could not serialize access")), True),
        (OperationalError(OUTAGE), False),
        (OperationalError("unable to open database file"), False),
        (postgresql_error(psycopg.errors.AdminShutdown("terminating connection")), False),
    ],
    ids=[
        "sqlite-locked",
        "sqlite-table-locked",
        "pg-lock-timeout",
        "pg-deadlock",
        "pg-serialization",
        "refused",
        "sqlite-no-file",
        "pg-shutdown",
    ],
)
def test_only_lock_contention_counts_as_busy(error, busy):
    assert is_lock_contention(error) is busy
