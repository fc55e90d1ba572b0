"""Test settings: fast hasher, a generated test key, DATABASE_URL (PostgreSQL in CI) or SQLite."""

from config.signing_keys import load_or_create_dev_key

from .base import *  # noqa: F403
from .base import (
    BASE_DIR,
    IDP,
    INSTALLED_APPS,
    OAUTH2_PROVIDER,
    POSTGRESQL_BOUNDED_WAITS,
    POSTGRESQL_PREPARED_STATEMENTS,
    SILENCED_SYSTEM_CHECKS,
    SQLITE_OPTIONS,
    env,
)

DEBUG = False
# WhiteNoise serves STATIC_ROOT; tests read static files straight from the finders instead.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
SECRET_KEY = "test-only-secret-key-not-used-anywhere-else"  # noqa: S105
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
# User passwords are hashed hundreds of times per run; MD5 here keeps the suite fast.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.MD5PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "clients.hashers.ClientSecretHasher",
]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Each test starts with an empty cache; tests that need a shared cache across processes set their own.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# provider.E003 refuses a per-process cache without DEBUG, as production must; here it is deliberate.
SILENCED_SYSTEM_CHECKS = [*SILENCED_SYSTEM_CHECKS, "provider.E003"]
# A Redis server the shared-cache tests use (.ci/run sets it); on a developer's machine they skip when it is
# empty, in CI an empty one fails the whole run (tests/conftest.py), so those skips can never hide a gap there.
REDIS_URL_FOR_TESTS = env("REDIS_URL_FOR_TESTS", default="")
# In CI (CI=true) a missing Chromium fails the browser tests instead of skipping them: .ci/run installs it,
# so a skip there would hide a whole suite. On a developer's machine they skip with a clear reason.
BROWSER_REQUIRED = env.bool("CI", default=False)
# The same for HAProxy, which tests/cluster puts in front of three app servers (.ci/run installs it).
CLUSTER_REQUIRED = BROWSER_REQUIRED
# The same for Redis (REDIS_URL_FOR_TESTS) and Debian's redis-server binary (tests/faults' restart test).
REDIS_REQUIRED = BROWSER_REQUIRED
# tests/cluster: the load balancer listens on this port and the three nodes on the next three (0: any free ports).
CLUSTER_TEST_BASE_PORT = env.int("CLUSTER_TEST_BASE_PORT", default=0)
IDP = {
    **IDP,
    "ALLOW_HTTP_LOOPBACK_FOR_CONFIDENTIAL": False,
    # Tests read django.core.mail.outbox right after the request; the tests of the worker thread turn it on.
    "ACCOUNT_MAIL_IN_BACKGROUND": False,
    # Tests send back-channel logout notices themselves (provider.backchannel_logout.logout_notifications_deliver).
    "BACKCHANNEL_LOGOUT_IN_BACKGROUND": False,
    # Tests change rows behind the app's back (QuerySet.update) and expect the very next request to see it:
    # read the token cache's invalidation feed on every request (production: every 0.5 s). The
    # multi-process propagation test starts app servers with production's interval through the environment.
    "TOKEN_CACHE_POLL_SECONDS": env.float("TOKEN_CACHE_POLL_SECONDS", default=0.0),
    # For the same reason (a token given a refused value by QuerySet.update), no refusal is remembered;
    # the tests of the refusal cache switch it on.
    "TOKEN_CACHE_REFUSED_SECONDS": env.float("TOKEN_CACHE_REFUSED_SECONDS", default=0.0),
    # No listener thread in the test process (it reads the feed every request anyway, and a thread holding its
    # own connection would outlive each test's database); the app servers some tests start turn it on.
    "TOKEN_CACHE_LISTEN": env.bool("TOKEN_CACHE_LISTEN", default=False),
    # Likewise no subscriber thread for throttle blocks: tests clear the cache between them, behind a mirror's
    # back; the mirror's own tests turn it on, and the cluster's nodes run production's settings.
    "THROTTLE_BLOCKS_PUSHED": env.bool("THROTTLE_BLOCKS_PUSHED", default=False),
}

OAUTH2_PROVIDER = {
    **OAUTH2_PROVIDER,
    "OIDC_RSA_PRIVATE_KEY": load_or_create_dev_key(BASE_DIR / ".keys" / "oidc-rsa-test.pem"),
    "OIDC_ISS_ENDPOINT": "",
}
DATABASES = {"default": env.db("DATABASE_URL", default="sqlite:///:memory:")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The same options as every SQLite database (base), so tests and app servers started on an SQLite file
    # behave as `make run` does. An in-memory database ignores journal_mode=WAL and keeps its own journal.
    DATABASES["default"]["OPTIONS"] = {**SQLITE_OPTIONS, **DATABASES["default"].get("OPTIONS", {})}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Production's bounded waits (base.py); a test sets DATABASE_LOCK_TIMEOUT_MS for the app servers it starts.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", POSTGRESQL_BOUNDED_WAITS)
    # And production's prepared statements, so the suite runs every query the way production sends it.
    DATABASES["default"]["OPTIONS"] = {**POSTGRESQL_PREPARED_STATEMENTS, **DATABASES["default"]["OPTIONS"]}

# Demo data (manage.py seed_demo): development and tests only, never production.
INSTALLED_APPS = [*INSTALLED_APPS, "demo"]
