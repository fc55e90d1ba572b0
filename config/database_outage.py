"""Database and cache outages and lock contention answered as 503 Service Unavailable, never as a stack trace.

When the database is unreachable (connection refused, timed out, dropped mid-request), Django raises
OperationalError or InterfaceError. Protocol endpoints then answer the JSON error shape of RFC 6749
§5.2 with ``temporarily_unavailable`` and a Retry-After header; pages for people get a short HTML page.
Nothing else is needed to recover: Django closes a connection that failed at the end of the request
(CONN_HEALTH_CHECKS checks reused ones), so the first request after the database returns reconnects.

Lock contention raises OperationalError too (SQLite's "database is locked" once its busy timeout ran out,
PostgreSQL's lock timeout, deadlock or serialization failure), but the database is there and the next
attempt will most likely succeed: it gets the same 503 saying the server is busy, a Retry-After of about a
second, and a warning about contention in the log rather than an error about an unavailable database.
A PostgreSQL wait cut short by ``lock_timeout`` or ``statement_timeout`` (settings: DATABASE_LOCK_TIMEOUT_MS,
DATABASE_STATEMENT_TIMEOUT_MS) is the same 503 with Retry-After, worded as what it is: the database is
up but busy, and the request, rolled back, can simply be retried (database_busy).
"""

import logging
import sys

import redis
from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.urls import Resolver404, resolve
from django.views import defaults

from idp.settings import idp_settings

log = logging.getLogger(__name__)

DATABASE_ERRORS = (OperationalError, InterfaceError)
# The shared cache (Redis, when REDIS_URL is set) down or restarting: throttles, single-use jti records and
# device polling cannot be checked, so the request is refused (failing open would lift the throttles)
# with the same 503; redis-py reconnects by itself once the server is back.
CACHE_ERRORS = (redis.ConnectionError, redis.TimeoutError)
OUTAGE_ERRORS = DATABASE_ERRORS + CACHE_ERRORS
# Endpoints machines call; the other provider pages (authorize, logout, device verification) are for people.
PROTOCOL_VIEWS = {
    f"oauth2_provider:{name}"
    for name in ("token", "revoke-token", "introspect", "user-info", "device-authorization", "jwks-info")
}
PROTOCOL_PATH_PREFIXES = ("/api/", "/.well-known/", "/o/.well-known/")
# SQLite's messages when the busy timeout ran out (a shared-cache in-memory database says "table").
SQLITE_LOCKED_MESSAGES = ("database is locked", "database table is locked")
# PostgreSQL: lock_not_available (lock_timeout), query_canceled (statement_timeout), deadlock_detected,
# serialization_failure.
POSTGRESQL_CONTENTION_SQLSTATES = {"55P03", "40P01", "40001", "57014"}


class DatabaseOutageMiddleware:
    """Turn a database error raised by a view into a 503 (JSON for protocol endpoints, HTML for people)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, OUTAGE_ERRORS):
            return None
        return database_unavailable(request, exception)


def server_error(request: HttpRequest, *args, **kwargs) -> HttpResponse:
    """handler500: a database or cache error raised outside a view (e.g. in a middleware) is a 503 as well."""
    error = sys.exc_info()[1]
    if isinstance(error, OUTAGE_ERRORS):
        return database_unavailable(request, error)
    return defaults.server_error(request, *args, **kwargs)


def is_lock_contention(error: Exception) -> bool:
    """Whether ``error`` means another transaction held a lock too long, not that the database is gone."""
    if not isinstance(error, OperationalError):
        return False
    if getattr(error.__cause__, "sqlstate", None) in POSTGRESQL_CONTENTION_SQLSTATES:
        return True
    return any(message in str(error) for message in SQLITE_LOCKED_MESSAGES)


def database_unavailable(request: HttpRequest, error: Exception) -> HttpResponse:
    """The 503 response for ``request`` while the database is unreachable or too busy to answer."""
    busy = is_lock_contention(error)
    # One line, no traceback: an outage (or a burst of contention) would flood the log with identical stacks.
    if busy:
        log.warning("Database busy (lock contention) for %s %s: %s", request.method, request.path, error)
        retry_after = idp_settings.DATABASE_BUSY_RETRY_AFTER_SECONDS
        description = "The server is busy right now. Retry in a moment."
    elif isinstance(error, CACHE_ERRORS):
        log.error("Cache unavailable for %s %s: %s", request.method, request.path, type(error).__name__)
        retry_after = idp_settings.DATABASE_OUTAGE_RETRY_AFTER_SECONDS
        description = "The server cannot reach its cache right now. Retry shortly."
    else:
        log.error("Database unavailable for %s %s: %s", request.method, request.path, type(error).__name__)
        retry_after = idp_settings.DATABASE_OUTAGE_RETRY_AFTER_SECONDS
        description = "The server cannot reach its database right now. Retry shortly."
    if _is_protocol_request(request):
        response = JsonResponse({"error": "temporarily_unavailable", "error_description": description}, status=503)
    else:
        # Rendered without the request: context processors would touch the session and the user.
        page = render_to_string(
            "503.html",
            {
                "provider_name": settings.SITE_NAME,
                "retry_after": retry_after,
                "busy": busy,
                "cache": isinstance(error, CACHE_ERRORS),
            },
        )
        response = HttpResponse(page, status=503)
    response["Retry-After"] = str(retry_after)
    response["Cache-Control"] = "no-store"
    return response


def _is_protocol_request(request: HttpRequest) -> bool:
    if request.path_info.startswith(PROTOCOL_PATH_PREFIXES):
        return True
    match = getattr(request, "resolver_match", None)
    if match is None:
        try:
            match = resolve(request.path_info)
        except Resolver404:
            match = None
    if match is not None and match.view_name in PROTOCOL_VIEWS:
        return True
    # Anything else: whatever the caller asked for; browsers ask for text/html.
    return "text/html" not in request.headers.get("Accept", "")
