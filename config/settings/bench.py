"""Benchmark settings (``make bench``): production-like over plain HTTP on loopback, plus bench-only views.

``BENCH_PROFILE=tuned`` runs the provider exactly as configured in base.py. ``BENCH_PROFILE=baseline``
runs the same code with django-oauth-toolkit's defaults put back (Django's default password hashers
for client secrets, a database connection per request, no bearer-token cache), so one benchmark run
measures what each optimisation buys.
"""

from django.conf import global_settings

from config.signing_keys import load_or_create_dev_key

from .base import *  # noqa: F403
from .base import BASE_DIR, DATABASES, IDP, INSTALLED_APPS, OAUTH2_PROVIDER, PASSWORD_HASHERS, REST_FRAMEWORK, env

DEBUG = False
# Only ever listens on 127.0.0.1 for a few minutes; never a deployment.
SECRET_KEY = env("DJANGO_SECRET_KEY", default="bench-only-secret-key-never-deployed")
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS = [*INSTALLED_APPS, "bench"]
ROOT_URLCONF = "bench.urls"
BENCH_PROFILE = env("BENCH_PROFILE", default="tuned")

# Logging a line per request (e.g. each expected 401) would measure the terminal, not the provider.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {"django.request": {"level": "ERROR"}},
}

# The API's per-grant rate limit (600/min) exists to stop exactly what a load generator does: off, except
# in the "throttled" profile (scenario me_throttled), where production's throttles count every call in the
# shared cache as in production, at rates no bench run reaches, so what is measured is the counting (a 429
# would measure the refusal instead).
if BENCH_PROFILE == "throttled":
    _throttle_rates = dict.fromkeys(REST_FRAMEWORK.get("DEFAULT_THROTTLE_RATES", {}), "100000000/min")
else:
    _throttle_rates = dict.fromkeys(REST_FRAMEWORK.get("DEFAULT_THROTTLE_RATES", {}))
REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": _throttle_rates}

if env.bool("BENCH_DB_POOL", default=False) and DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # psycopg's pool instead of persistent connections, to compare the two (Django forbids combining them).
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = False
    DATABASES["default"]["OPTIONS"]["pool"] = {"min_size": 1, "max_size": 4}

OAUTH2_PROVIDER = {
    **OAUTH2_PROVIDER,
    "OIDC_RSA_PRIVATE_KEY": load_or_create_dev_key(BASE_DIR / ".keys" / "oidc-rsa-bench.pem"),
    "OIDC_ISS_ENDPOINT": "http://127.0.0.1",
}

if BENCH_PROFILE == "baseline":
    # DOT's defaults: client secrets hashed with Django's default password hasher (PBKDF2), which
    # ClientSecretField picks when CLIENT_SECRET_HASHER is "default".
    PASSWORD_HASHERS = [
        *global_settings.PASSWORD_HASHERS,
        *(h for h in PASSWORD_HASHERS if h not in global_settings.PASSWORD_HASHERS),
    ]
    OAUTH2_PROVIDER = {**OAUTH2_PROVIDER, "CLIENT_SECRET_HASHER": "default"}
    # Django's default: a new database connection for every request.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = False
    DATABASES["default"].get("OPTIONS", {}).pop("pool", None)
    # Django's default: parameters bound on the client, nothing prepared.
    DATABASES["default"].get("OPTIONS", {}).pop("server_side_binding", None)
    DATABASES["default"].get("OPTIONS", {}).pop("prepare_threshold", None)
    # DOT's bearer validation: a joined query and a freshly built oauthlib server for every API call.
    IDP = {**IDP, "TOKEN_CACHE_ENABLED": False}
