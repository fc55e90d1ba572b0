"""Sign-in lockouts on django-axes: its backend refuses, this module's handler counts (AXES_HANDLER).

django-axes' backend comes first in AUTHENTICATION_BACKENDS, so every ``authenticate()`` call is refused
without checking the password while the typed account name or the caller's address is locked out: the
sign-in page, the admin's login and the legacy password grant alike (OWASP ASVS 5 V6.3.1). axes sends
``user_locked_out`` when a lockout starts (the audit trail records it) and its ``axes_reset_username`` and
``axes_reset_ip`` commands lift one.

Why a handler of our own rather than axes' cache handler; each point is something that handler does
differently, and what we do instead:

* it has one limit for every lockout parameter (AXES_FAILURE_LIMIT, compared with the highest count). An
  address is shared by an office or a mobile network and needs a higher limit than one account name, so
  each parameter has its own: LOGIN_MAX_FAILURES_PER_ACCOUNT and LOGIN_MAX_FAILURES_PER_IP;
* it refreshes a count's expiry on every failure, so failures are forgotten only after a quiet
  AXES_COOLOFF_TIME; a busy shared address may never be quiet that long, and its count would only grow.
  Here a count lives for a fixed window from its first failure, and a lockout lasts AXES_COOLOFF_TIME
  from the failure that started it;
* it stores counts only, so it cannot say when a lockout ends; the sign-in page says "try again in N
  minutes" and sends Retry-After, so the lockout's end is stored beside the count;
* on success (AXES_RESET_ON_SUCCESS) it clears every parameter of the request, the address's count too:
  one account the attacker controls would reset its address after every few guesses. Here a success
  clears the account name's count only;
* its cache keys hash the value alone, so a name typed to equal an address would share that address's
  count; here the key names the parameter too.

Counts live in the Django cache AXES_CACHE (Redis in production, else the database cache), which every
app process shares; values are hashed into keys, so a password typed into the name field is never
stored readable. Lockouts are listed in the admin from the audit trail (accounts.admin.SignInLockoutAdmin).
"""

import hashlib
import logging
import math
import time
from typing import Any

from axes.backends import AxesStandaloneBackend
from axes.conf import settings
from axes.handlers.base import AbstractAxesHandler, AxesBaseHandler
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_cache, get_client_username, get_cool_off, get_credentials
from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest

from idp.settings import idp_settings

log = logging.getLogger(__name__)

# The lockout parameters this handler counts, each with the setting that holds its limit.
LIMIT_SETTINGS = {"username": "LOGIN_MAX_FAILURES_PER_ACCOUNT", "ip_address": "LOGIN_MAX_FAILURES_PER_IP"}


def lockout_username(request: HttpRequest | None, credentials: dict[str, Any] | None) -> str | None:
    """AXES_USERNAME_CALLABLE: the typed account name, trimmed and case-folded, or None.

    Keyed on the typed name whether or not such an account exists, so a locked-out unknown name and a
    locked-out real account look the same (no account enumeration, ASVS 5 V6.3.8), and "Alice " and
    "alice" share one count.
    """
    if credentials:
        username = credentials.get(settings.AXES_USERNAME_FORM_FIELD) or credentials.get(
            get_user_model().USERNAME_FIELD
        )
    else:
        username = request.POST.get(settings.AXES_USERNAME_FORM_FIELD) if request is not None else None
    return str(username).strip().casefold() if username else None


def _keys(parameter: str, value: str) -> tuple[str, str]:
    # Hashed: values are attacker-controlled text (any length, any bytes), and cache keys must be short
    # and plain for Redis and the database cache alike.
    digest = hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()[:40]
    return f"axes:{parameter}:failures:{digest}", f"axes:{parameter}:until:{digest}"


def _cool_off_seconds(request: HttpRequest | None) -> int:
    cool_off = get_cool_off(request)
    if cool_off is None:
        # axes reads None as "locked until an admin lifts it"; the sign-in page must be able to say when.
        raise ImproperlyConfigured("Sign-in lockouts need AXES_COOLOFF_TIME: it is also how long a count lasts.")
    return max(int(cool_off.total_seconds()), 1)


def _prepared(request: HttpRequest | None) -> HttpRequest:
    """``request`` with the attributes axes computes once per request (address, time, ...)."""
    if request is None:
        # authenticate() without a request (Django's test client login(), a shell): no address is known,
        # but the account name is still counted and checked.
        request = HttpRequest()
    AxesProxyHandler.update_request(request)
    return request


class SignInLockoutHandler(AbstractAxesHandler, AxesBaseHandler):
    """Counts failed sign-ins per account name and per address, each against its own limit, in the cache."""

    def subjects(self, request: HttpRequest, credentials: dict[str, Any] | None) -> list[tuple[str, str, int]]:
        """(parameter, value, limit) for each lockout parameter of this attempt that has a value and a limit."""
        values = {"username": get_client_username(request, credentials), "ip_address": request.axes_ip_address}
        subjects = []
        for parameter in settings.AXES_LOCKOUT_PARAMETERS:
            if not isinstance(parameter, str) or parameter not in LIMIT_SETTINGS:
                # A combined parameter (["username", "ip_address"]) would let an attacker spread guesses at
                # one account over many addresses; only independent counts are supported here.
                raise ImproperlyConfigured(
                    f"AXES_LOCKOUT_PARAMETERS: {parameter!r} is not one of {[*LIMIT_SETTINGS]}."
                )
            limit = getattr(idp_settings, LIMIT_SETTINGS[parameter])
            if values[parameter] and limit > 0:  # 0 turns a limit off
                subjects.append((parameter, values[parameter], limit))
        return subjects

    def retry_after(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> int:
        """Seconds until no lockout holds this attempt back (0 when none does), in one cache round trip."""
        keys = [_keys(parameter, value)[1] for parameter, value, _ in self.subjects(request, credentials)]
        if not keys:
            return 0
        locked_until = get_cache().get_many(keys).values()
        return max((max(math.ceil(until - time.time()), 0) for until in locked_until), default=0)

    def is_locked(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> bool:
        return settings.AXES_LOCK_OUT_AT_FAILURE and self.retry_after(request, credentials) > 0

    def get_failures(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> int:
        keys = [_keys(parameter, value)[0] for parameter, value, _ in self.subjects(request, credentials)]
        return max(get_cache().get_many(keys).values(), default=0) if keys else 0

    def user_login_failed(self, sender, credentials: dict[str, Any], request=None, **kwargs) -> None:
        """Count the failure against each parameter; the one that reaches its limit starts a lockout."""
        request = _prepared(request)
        if request.axes_locked_out and not settings.AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT:
            # Refused by axes' backend without checking the password: not a guess, and counting it would
            # only stretch the lockout of a person who tries again too early.
            return
        if self.is_whitelisted(request, credentials):
            return
        cache = get_cache()
        window = _cool_off_seconds(request)
        for parameter, value, limit in self.subjects(request, credentials):
            failures_key, until_key = _keys(parameter, value)
            # add() then incr(): atomic on Redis. The database cache reads then writes, so two processes
            # racing may count one failure instead of two: a limit can be overshot by the number of workers.
            cache.add(failures_key, 0, window)
            try:
                count = cache.incr(failures_key)
            except ValueError:  # the count expired between add() and incr()
                cache.set(failures_key, 1, window)
                count = 1
            # add(), not set(): failures while locked out neither extend the lockout nor start a second one.
            if count >= limit and cache.add(until_key, time.time() + window, window):
                log.warning("Sign-in locked out by %s after %d failures.", parameter, count)
                request.axes_locked_out = True
                request.axes_credentials = credentials
                user_locked_out.send(
                    "axes",
                    request=request,
                    username=get_client_username(request, credentials),
                    ip_address=request.axes_ip_address,
                    # Beyond axes' arguments: which count reached which limit, for the audit trail.
                    lockout_parameter=parameter,
                    max_failures=limit,
                    window_seconds=window,
                )

    def user_logged_in(self, sender, request, user, **kwargs) -> None:
        """A correct password clears the account name's count, never the address's (see the module docstring)."""
        if not settings.AXES_RESET_ON_SUCCESS:
            return
        request = _prepared(request)
        for parameter, value, _ in self.subjects(request, get_credentials(user.get_username())):
            if parameter == "username":
                get_cache().delete_many(list(_keys(parameter, value)))

    def user_logged_out(self, sender, request, user, **kwargs) -> None:
        """Nothing to count: signing out says nothing about guessing."""

    def reset_attempts(
        self, *, ip_address: str | None = None, username: str | None = None, ip_or_username: bool = False
    ) -> int:
        """Lift the lockout and forget the count of an account name and/or an address (axes' reset commands).

        Returns how many of them had a count or a lockout. Counts are independent here, so both are reset
        whether or not ``ip_or_username`` is set.
        """
        subjects = []
        if username:
            subjects.append(("username", lockout_username(None, get_credentials(username))))
        if ip_address:
            subjects.append(("ip_address", ip_address))
        if not subjects:
            raise NotImplementedError("Give an account name or an address: the cache cannot list every lockout.")
        cache = get_cache()
        found = 0
        for parameter, value in subjects:
            keys = list(_keys(parameter, value))
            found += bool(cache.get_many(keys))
            cache.delete_many(keys)
        return found


class SignInLockoutBackend(AxesStandaloneBackend):
    """axes' backend, which refuses while locked out, also when ``authenticate()`` is given no request.

    axes' own backend raises without a request; Django's test client ``login()`` and scripts call
    ``authenticate()`` that way, and the account name's lockout still applies to them.
    """

    def authenticate(self, request: HttpRequest | None, username: str | None = None, password=None, **kwargs):
        return super().authenticate(_prepared(request), username=username, password=password, **kwargs)


def sign_in_retry_after(*, request: HttpRequest, username: str) -> int:
    """Seconds until ``username`` may sign in from this request's address again (0 when nothing holds it back)."""
    if not settings.AXES_ENABLED:
        return 0
    credentials = get_credentials(username)
    # is_allowed() also honours axes' allow and deny lists, exactly as its backend does.
    if AxesProxyHandler.is_allowed(request, credentials):
        return 0
    handler = AxesProxyHandler.get_implementation()
    wait = handler.retry_after(request, credentials) if isinstance(handler, SignInLockoutHandler) else 0
    return wait or _cool_off_seconds(request)


def lockout_retry_after(*, username: str | None = None, ip_address: str | None = None) -> int:
    """Seconds left on the lockout of an account name or an address (0 when none), for the admin's list."""
    if username:
        parameter, value = "username", lockout_username(None, get_credentials(username))
    elif ip_address:
        parameter, value = "ip_address", ip_address
    else:
        return 0
    until = get_cache().get(_keys(parameter, value)[1])
    return max(math.ceil(until - time.time()), 0) if until else 0
