"""``/health/live`` (the process answers) and ``/health/ready`` (its database and cache answer too).

Public, unauthenticated and never cached, for load balancers and orchestrators. The answers name
which check failed and nothing else: no versions, hosts or error messages (which can carry a
database host or user name). Liveness touches nothing outside the process, so a database outage
makes instances unready, not dead: restarting them would not bring the database back.
"""

import logging
import secrets

from django.core.cache import cache
from django.db import Error as DatabaseError
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_safe

from provider.responses import protocol_json

log = logging.getLogger(__name__)

READY_CACHE_KEY_PREFIX = "health:ready:"


@require_safe
def live(request: HttpRequest) -> JsonResponse:
    """200 whenever the process can answer a request at all."""
    return protocol_json({"status": "ok"})


@require_safe
def ready(request: HttpRequest) -> JsonResponse:
    """200 when a trivial query and a cache round trip both succeed, else 503 naming what failed."""
    checks = {"database": _database_answers(), "cache": _cache_answers()}
    healthy = all(checks.values())
    body = {
        "status": "ok" if healthy else "unavailable",
        "checks": {name: "ok" if passed else "failed" for name, passed in checks.items()},
    }
    return protocol_json(body, status=200 if healthy else 503)


def _database_answers() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except DatabaseError as error:
        log.warning("Readiness: the database check failed (%s).", type(error).__name__)
        return False


def _cache_answers() -> bool:
    # A fresh key and value per probe: a value left over from another probe, or another process, proves nothing.
    key, value = READY_CACHE_KEY_PREFIX + secrets.token_hex(8), secrets.token_hex(8)
    try:
        cache.set(key, value, timeout=10)
        answered = cache.get(key) == value
        cache.delete(key)
    except Exception as error:  # any backend's failure (Redis, database cache) means "not ready", never a 500
        log.warning("Readiness: the cache check failed (%s).", type(error).__name__)
        return False
    return answered
