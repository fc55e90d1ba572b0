"""System checks for provider settings that would otherwise fail only under load or behind a proxy.

https://docs.djangoproject.com/en/5.2/topics/checks/

* provider.E003: the throttles and sessions rely on a cache every app process shares.
* provider.E004, W001, W002: the reverse-proxy settings agree with each other.
* provider.E005: every key of the project's own settings (IDP) is one the project reads.
"""

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register

from idp.settings import idp_settings

API_NAMESPACE = "api"
# Caches that live inside one process: a count or a session written by one process is unknown to the others.
PER_PROCESS_CACHES = {
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
}
SESSION_CACHE_ENGINES = {"django.contrib.sessions.backends.cache", "django.contrib.sessions.backends.cached_db"}


# SHARED CACHE
# ------------------------------------------------------------------------------
def _shared_cache_users() -> dict[str, list[str]]:
    """Cache alias -> what relies on every app process seeing the same entries in it."""
    users = {
        # DRF's throttles count in the default cache, and device-code polling remembers the last poll there.
        "default": ["the API's rate limits", "device-code polling intervals (RFC 8628 slow_down)"],
    }
    users.setdefault(idp_settings.THROTTLE_CACHE_ALIAS, []).append("the brute-force throttles (provider.throttling)")
    if settings.SESSION_ENGINE in SESSION_CACHE_ENGINES:
        users.setdefault(settings.SESSION_CACHE_ALIAS, []).append("sessions")
    return users


def _and_list(items: list[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


@register(Tags.caches, Tags.security)
def check_shared_cache(app_configs, **kwargs) -> list[CheckMessage]:
    """Outside DEBUG, what throttles and sessions rely on must not live in one process's memory.

    Production runs several processes (and often several machines): with a per-process cache each keeps its
    own failure counts, so an attacker gets the limit once per process, and a session written by one
    process is unknown to the next. DummyCache is worse: nothing is ever counted. With DEBUG, the
    development server is one process, so a memory cache is fine there. Tests run without DEBUG but with a
    memory cache on purpose (each test starts empty); config.settings.test silences this check and says why.
    """
    if settings.DEBUG:
        return []
    messages: list[CheckMessage] = []
    for alias, users in _shared_cache_users().items():
        backend = settings.CACHES.get(alias, {}).get("BACKEND", "")
        if backend in PER_PROCESS_CACHES:
            messages.append(
                Error(
                    f"CACHES[{alias!r}] is {backend.rsplit('.', 1)[-1]}, which no two app processes share, "
                    f"but {_and_list(users)} rely on it.",
                    hint=(
                        "Set REDIS_URL (Django's Redis cache), or use the database cache "
                        "(django.core.cache.backends.db.DatabaseCache, then manage.py createcachetable)."
                    ),
                    id="provider.E003",
                )
            )
    return messages


# REVERSE PROXY
# ------------------------------------------------------------------------------
@register(Tags.security)
def check_proxy_settings(app_configs, **kwargs) -> list[CheckMessage]:
    """CLIENT_IP_TRUSTED_PROXIES and SECURE_PROXY_SSL_HEADER both say whether a proxy is in front; they must agree."""
    proxies = idp_settings.CLIENT_IP_TRUSTED_PROXIES
    ssl_header = settings.SECURE_PROXY_SSL_HEADER
    if proxies < 0:
        return [
            Error(
                f"CLIENT_IP_TRUSTED_PROXIES is {proxies}; it counts reverse proxies and cannot be negative.",
                # A negative count would read X-Forwarded-For from the left, where the client writes what it likes.
                hint="Set it to the number of proxies in front of the app that append to X-Forwarded-For (0: none).",
                id="provider.E004",
            )
        ]
    if proxies > 0 and not ssl_header:
        return [
            Warning(
                f"CLIENT_IP_TRUSTED_PROXIES is {proxies} (a proxy is in front of the app) but "
                "SECURE_PROXY_SSL_HEADER is not set.",
                hint=(
                    "Behind a TLS-terminating proxy Django sees plain http: issuer and redirect URLs come out "
                    "http://, and SECURE_SSL_REDIRECT loops. Set SECURE_PROXY_SSL_HEADER to the header the proxy "
                    "sets, e.g. ('HTTP_X_FORWARDED_PROTO', 'https'), or CLIENT_IP_TRUSTED_PROXIES=0 if no proxy."
                ),
                id="provider.W001",
            )
        ]
    if proxies == 0 and ssl_header:
        return [
            Warning(
                "SECURE_PROXY_SSL_HEADER is set (a proxy terminates TLS) but CLIENT_IP_TRUSTED_PROXIES is 0.",
                hint=(
                    "Every request then comes from the proxy's address: one per-IP throttle bucket for all "
                    "clients (a single attacker blocks everyone) and the proxy's address in every audit event. "
                    "Set CLIENT_IP_TRUSTED_PROXIES to the number of proxies that append to X-Forwarded-For."
                ),
                id="provider.W002",
            )
        ]
    return []


# THE PROJECT'S OWN SETTINGS
# ------------------------------------------------------------------------------
@register()
def check_idp_settings(app_configs, **kwargs) -> list[CheckMessage]:
    """An unknown key in IDP is a typo: without this its default would silently stay in force."""
    return [
        Error(
            f"IDP[{key!r}] is not a setting of this project.",
            hint=f"Known keys: {', '.join(sorted(idp_settings.defaults))} (idp/settings.py).",
            id="provider.E005",
        )
        for key in idp_settings.unknown_keys()
    ]
