"""Brute-force throttles: failure counters shared by every app process, and the limits that block guessing.

Client authentication at the token, revocation and introspection endpoints is guarded per client_id and
per IP (OWASP ASVS 5 V10.4); the same counters limit wrong device codes (accounts.device_verification).
Sign-in is locked out by django-axes instead (accounts.sign_in_lockout).

After ``max_failures`` failures within ``window`` seconds the subject is blocked for ``window`` seconds,
and while it is blocked the secret is not even checked. Counters live in the Django cache
(Redis when REDIS_URL is set, otherwise the database cache: see CACHES in settings), so every process
sees the same counts. The window is fixed, not sliding: a simple counter with a time-to-live, which
every cache backend supports.
"""

import base64
import binascii
import hashlib
import math
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote_plus

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest, JsonResponse
from oauthlib.oauth2.rfc6749.errors import OAuth2Error

from audit.models import AuditEvent
from audit.services import record_event
from provider.client_address import client_address


@dataclass(frozen=True)
class Limit:
    """At most ``max_failures`` failures per ``window`` seconds for one subject of ``scope``; 0 disables."""

    scope: str
    max_failures: int
    window: int


def client_auth_limits() -> tuple[Limit, Limit]:
    """The per-client and per-IP limits on client authentication, read from settings at call time."""
    window = settings.OAUTH_CLIENT_AUTH_WINDOW_SECONDS
    return (
        Limit("client-auth:client", settings.OAUTH_CLIENT_AUTH_MAX_FAILURES, window),
        Limit("client-auth:ip", settings.OAUTH_CLIENT_AUTH_MAX_FAILURES_PER_IP, window),
    )


# COUNTERS
# ------------------------------------------------------------------------------
def _cache():
    return caches[settings.THROTTLE_CACHE_ALIAS]


def _keys(limit: Limit, subject: str) -> tuple[str, str]:
    # Hashed: subjects are attacker-controlled text (any length, any bytes) and cache keys must be short
    # and plain for memcached and the database cache alike.
    digest = hashlib.sha256(subject.encode("utf-8", "surrogatepass")).hexdigest()[:40]
    return f"throttle:{limit.scope}:fail:{digest}", f"throttle:{limit.scope}:until:{digest}"


def retry_after(limit: Limit, subject: str | None) -> int:
    """Seconds until ``subject`` may try again (0 when it is not blocked)."""
    return longest_retry_after((limit, subject))


def longest_retry_after(*checks: tuple[Limit, str | None]) -> int:
    """Seconds until every (limit, subject) pair may try again, read in one cache round trip."""
    keys = [_keys(limit, subject)[1] for limit, subject in checks if subject and limit.max_failures > 0]
    if not keys:
        return 0
    blocked_until = _cache().get_many(keys).values()
    return max((max(math.ceil(until - time.time()), 0) for until in blocked_until), default=0)


def register_failure(limit: Limit, subject: str | None) -> bool:
    """Count one failure for ``subject``; return True when this failure starts a block."""
    if not subject or limit.max_failures <= 0:
        return False
    cache = _cache()
    failures_key, until_key = _keys(limit, subject)
    cache.add(failures_key, 0, limit.window)
    try:
        # Atomic on Redis. The database cache reads then writes, so two processes racing may count one
        # failure instead of two: the limit can be overshot by the number of concurrent workers, no more.
        count = cache.incr(failures_key)
    except ValueError:  # the counter expired between add() and incr()
        cache.set(failures_key, 1, limit.window)
        count = 1
    if count < limit.max_failures:
        return False
    # add(), not set(): failures while blocked neither extend the block nor count as a second trigger.
    return cache.add(until_key, time.time() + limit.window, limit.window)


def reset(limit: Limit, subject: str | None) -> None:
    """Forget ``subject``'s failures (after a successful sign-in)."""
    if subject:
        _cache().delete_many(list(_keys(limit, subject)))


def _throttle_triggered(request: Any, limit: Limit, **details: Any) -> None:
    record_event(
        event=AuditEvent.Event.THROTTLE_TRIGGERED,
        request=request,
        limit=limit.scope,
        max_failures=limit.max_failures,
        window_seconds=limit.window,
        **details,
    )


# CLIENT AUTHENTICATION
# ------------------------------------------------------------------------------
class ClientAuthThrottled(OAuth2Error):
    """Client authentication refused without checking the secret: too many recent failures.

    Status 429 Too Many Requests with Retry-After (RFC 6585 §4): the condition is a rate limit, not a wrong
    secret, and 429 tells the client and any proxy to back off instead of retrying. 401 is not used since it
    would tell the client its credentials are wrong and invite an immediate retry; RFC 6749 §5.2's rule
    that header-authenticated failures get 401 covers credentials that were evaluated, which these are
    not. The body keeps RFC 6749 §5.2's format with ``invalid_client``: RFC 6749 has no rate-limit error
    code for the token endpoint (``temporarily_unavailable`` exists only for the authorization endpoint,
    §4.1.2.1), and the client's authentication was indeed not accepted.
    """

    error = "invalid_client"
    status_code = 429

    def __init__(self, retry_after_seconds: int, **kwargs: Any):
        self.retry_after = max(int(retry_after_seconds), 1)
        super().__init__(
            description=(f"Too many failed client authentication attempts. Retry after {self.retry_after} seconds."),
            **kwargs,
        )

    @property
    def headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.retry_after), "Cache-Control": "no-store", "Pragma": "no-cache"}


def presented_client_id(request: Any) -> str:
    """The client_id a client authenticating ``request`` (an oauthlib Request) claims, or ''.

    Read from HTTP Basic (RFC 6749 §2.3.1, form-encoded inside base64) or the body's client_id. A request
    presenting no client credentials at all (e.g. a bearer token at the introspection endpoint) gives ''.
    """
    authorization = (getattr(request, "headers", None) or {}).get("HTTP_AUTHORIZATION", "")
    scheme, _, credentials = authorization.partition(" ")
    if scheme == "Basic" and credentials:
        try:
            decoded = base64.b64decode(credentials, validate=True).decode("utf-8")
        except (binascii.Error, ValueError):
            return ""
        client_id, separator, _secret = decoded.partition(":")
        return unquote_plus(client_id) if separator else ""
    return str(getattr(request, "client_id", None) or "")


def check_client_auth_allowed(request: Any) -> None:
    """Raise ClientAuthThrottled when the presented client_id or the caller's IP is blocked."""
    client_id = presented_client_id(request)
    if not client_id:
        return
    per_client, per_ip = client_auth_limits()
    # Every token, revocation and introspection request asks this: one round trip to the cache, not two.
    wait = longest_retry_after((per_client, client_id), (per_ip, client_address(request)))
    if wait:
        raise ClientAuthThrottled(wait)


def client_auth_failed(request: Any) -> None:
    """Count a failed client authentication against the client_id and the IP, and audit it."""
    client_id = presented_client_id(request)
    if not client_id:
        return
    ip = client_address(request)
    record_event(event=AuditEvent.Event.CLIENT_AUTH_FAILED, request=request, client_id=client_id)
    per_client, per_ip = client_auth_limits()
    for limit, subject in ((per_client, client_id), (per_ip, ip)):
        if register_failure(limit, subject):
            _throttle_triggered(request, limit, client_id=client_id)


class ClientAuthThrottleMiddleware:
    """Turn a ClientAuthThrottled that escaped a view into the same 429 the token endpoint gives.

    oauthlib catches it at the token and revocation endpoints; the introspection endpoint calls the
    validator outside oauthlib's error handling, so without this it would become a 500.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception):
        if not isinstance(exception, ClientAuthThrottled):
            return None
        response = JsonResponse(dict(exception.twotuples), status=exception.status_code)
        for header, value in exception.headers.items():
            response[header] = value
        return response
