"""The provider's brute-force policy: failure counters shared by every app process, and the limits that block guessing.

What is guarded, each per subject and per IP (OWASP ASVS 5 V10.4; RFC 8628 §5.1):

* client authentication at the token, revocation and introspection endpoints, per client_id and per IP;
* user codes typed on the device verification page, per signed-in user and per IP.

Sign-in is locked out by django-axes instead (accounts.sign_in_lockout).

After ``max_failures`` failures within ``window`` seconds the subject is blocked for ``window`` seconds,
and while it is blocked the secret is not even checked. Counters live in the Django cache
(Redis when REDIS_URL is set, otherwise the database cache: see CACHES in settings), so every process
sees the same counts. With Redis, every process also mirrors the blocks in force, pushed to it over
pub/sub (provider.throttle_blocks), so the check every client authentication makes costs no round
trip. The window is fixed, not sliding: a simple counter with a time-to-live, which every cache
backend supports.
"""

import hashlib
import math
import time
from dataclasses import dataclass
from typing import Any

from django.core.cache import caches
from django.http import HttpRequest
from oauthlib.oauth2.rfc6749.errors import OAuth2Error

from audit.models import AuditEvent
from audit.services import record_event
from idp.client_address import client_address
from idp.settings import idp_settings
from provider.client_credentials import presented_by_oauthlib_request
from provider.responses import NO_STORE_HEADERS, protocol_json
from provider.throttle_blocks import block_mirror


@dataclass(frozen=True)
class Limit:
    """At most ``max_failures`` failures per ``window`` seconds for one subject of ``scope``; 0 disables."""

    scope: str
    max_failures: int
    window: int


def subject_and_ip_limits(
    scope: str, subject: str, *, per_subject: int, per_ip: int, window: int
) -> tuple[Limit, Limit]:
    """A limit on one subject (a client_id, a user, a mail address) and one on the caller's IP, in one window.

    Every guarded action counts both: the subject alone would let one address try many subjects, the
    address alone would let a botnet spread guesses at one subject.
    """
    return Limit(f"{scope}:{subject}", per_subject, window), Limit(f"{scope}:ip", per_ip, window)


def client_auth_limits() -> tuple[Limit, Limit]:
    """The per-client and per-IP limits on client authentication, read from settings at call time."""
    return subject_and_ip_limits(
        "client-auth",
        "client",
        per_subject=idp_settings.CLIENT_AUTH_MAX_FAILURES,
        per_ip=idp_settings.CLIENT_AUTH_MAX_FAILURES_PER_IP,
        window=idp_settings.CLIENT_AUTH_WINDOW_SECONDS,
    )


def device_code_limits() -> tuple[Limit, Limit]:
    """The per-user and per-IP limits on wrong device user codes, read from settings at call time."""
    return subject_and_ip_limits(
        "device-code",
        "user",
        per_subject=idp_settings.DEVICE_CODE_MAX_FAILURES_PER_USER,
        per_ip=idp_settings.DEVICE_CODE_MAX_FAILURES_PER_IP,
        window=idp_settings.DEVICE_CODE_WINDOW_SECONDS,
    )


# COUNTERS
# ------------------------------------------------------------------------------
def _cache():
    return caches[idp_settings.THROTTLE_CACHE_ALIAS]


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
    cache = _cache()
    mirror = block_mirror(cache)
    if mirror is not None and mirror.vouches():
        # Every block in force is in this process's memory (provider.throttle_blocks): no round trip.
        blocked_until = [until for key in keys if (until := mirror.blocked_until(cache.make_key(key))) is not None]
    else:
        blocked_until = cache.get_many(keys).values()
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
    until = time.time() + limit.window
    if not cache.add(until_key, until, limit.window):
        return False
    mirror = block_mirror(cache)
    if mirror is not None:
        mirror.started(cache.make_key(until_key), until)
    return True


def reset(limit: Limit, subject: str | None) -> None:
    """Forget ``subject``'s failures (an admin lifting a block; tests)."""
    if subject:
        cache = _cache()
        failures_key, until_key = _keys(limit, subject)
        cache.delete_many([failures_key, until_key])
        mirror = block_mirror(cache)
        if mirror is not None:
            mirror.lifted(cache.make_key(until_key))


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
        return {"Retry-After": str(self.retry_after), **NO_STORE_HEADERS}


def check_client_auth_allowed(request: Any) -> None:
    """Raise ClientAuthThrottled when the presented client_id or the caller's IP is blocked."""
    client_id = presented_by_oauthlib_request(request).client_id
    if not client_id:
        return
    per_client, per_ip = client_auth_limits()
    # Every token, revocation and introspection request asks this: one round trip to the cache, not two.
    wait = longest_retry_after((per_client, client_id), (per_ip, client_address(request)))
    if wait:
        raise ClientAuthThrottled(wait)


def client_auth_failed(request: Any) -> None:
    """Count a failed client authentication against the client_id and the IP, and audit it."""
    client_id = presented_by_oauthlib_request(request).client_id
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
        return protocol_json(dict(exception.twotuples), status=exception.status_code, headers=exception.headers)


# DEVICE USER CODES
# ------------------------------------------------------------------------------
def _device_code_subjects(request: HttpRequest) -> tuple[tuple[Limit, str], tuple[Limit, str | None]]:
    per_user, per_ip = device_code_limits()
    return (per_user, str(request.user.pk)), (per_ip, client_address(request))


def device_code_retry_after(request: HttpRequest) -> int:
    """Seconds until this signed-in user and address may enter a user code again (0 when not blocked)."""
    return longest_retry_after(*_device_code_subjects(request))


def device_code_failed(request: HttpRequest) -> None:
    """Count a wrong user code against the signed-in user and the address."""
    for limit, subject in _device_code_subjects(request):
        if register_failure(limit, subject):
            _throttle_triggered(request, limit)
