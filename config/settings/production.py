"""Production: secrets and keys only from the environment (no defaults), HTTPS everywhere."""

from config.settings.required import RequiredEnvironment

from .base import *  # noqa: F403
from .base import EMAIL_HOST_PASSWORD, EMAIL_USE_SSL, EMAIL_USE_TLS, OAUTH2_PROVIDER, POSTGRESQL_BOUNDED_WAITS, env

# Required variables are read through ``required``, which notes every one missing or unusable rather than
# stopping at the first; required.stop_if_any() at the end stops start-up with one message listing them all.
required = RequiredEnvironment(env)

DEBUG = False
# No defaults: a missing secret or key stops start-up instead of running with a guessable one.
SECRET_KEY = required.text(
    "DJANGO_SECRET_KEY",
    hint="""50+ random characters, e.g. from: python3 -c 'import secrets; print(secrets.token_urlsafe(50))'""",
)
ALLOWED_HOSTS = required.text_list(
    "DJANGO_ALLOWED_HOSTS", hint="The host names the provider answers to, comma-separated, e.g. idp.example.com"
)
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

# DATABASES
# ------------------------------------------------------------------------------
# No SQLite fallback in production: DATABASE_URL must name the PostgreSQL server.
DATABASES = {
    "default": required.postgresql_database(
        "DATABASE_URL", hint="postgres://USER:PASSWORD@HOST:5432/NAME (production runs on PostgreSQL only)"
    )
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"]["OPTIONS"] = {
    "connect_timeout": env.int("DATABASE_CONNECT_TIMEOUT", default=5),
    # statement_timeout and lock_timeout (base.py): a stuck lock is a quick 503, not a pile-up of workers.
    "options": POSTGRESQL_BOUNDED_WAITS,
}

# SECURITY
# ------------------------------------------------------------------------------
# https://docs.djangoproject.com/en/5.2/howto/deployment/checklist/
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
# Load balancers probe /health/live and /health/ready on the instance itself, often over plain HTTP; the
# answers hold no secret and set no cookie, so a redirect to https would only make every probe fail.
SECURE_REDIRECT_EXEMPT = [r"^health/"]
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
LANGUAGE_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=True)

# EMAIL
# ------------------------------------------------------------------------------
# No defaults: reset and verification links must reach people (base.py reads EMAIL_URL), from an address
# the recipients' mail servers accept.
MAIL_URL_HINT = "smtp+tls://USER:PASSWORD@HOST:587 (STARTTLS) or smtp+ssl://USER:PASSWORD@HOST:465"
if required.text("EMAIL_URL", hint=MAIL_URL_HINT) and EMAIL_HOST_PASSWORD and not (EMAIL_USE_TLS or EMAIL_USE_SSL):
    # Plain smtp:// would send the password, and every reset link after it, unencrypted.
    required.refuse("EMAIL_URL", "has a password but no TLS", hint=MAIL_URL_HINT)
DEFAULT_FROM_EMAIL = required.text(
    "DJANGO_DEFAULT_FROM_EMAIL",
    hint='A sender the recipients\' mail servers accept, e.g. "IdP <noreply@idp.example.com>"',
)

# OAUTH2 PROVIDER
# ------------------------------------------------------------------------------
# The public https origin of the provider; it is the OIDC issuer, so it must never depend on a Host header.
# It must be https (OIDC Discovery §3): relying parties refuse any other issuer.
PROVIDER_URL = required.https_origin(
    "PROVIDER_URL", hint="The public origin clients reach, e.g. https://idp.example.com (it is the OIDC issuer)"
)

OAUTH2_PROVIDER = {
    **OAUTH2_PROVIDER,
    "OIDC_ISS_ENDPOINT": PROVIDER_URL,
    "OAUTH_DEVICE_VERIFICATION_URI": f"{PROVIDER_URL}/o/device/",
    "OAUTH_DEVICE_VERIFICATION_URI_COMPLETE": f"{PROVIDER_URL}/o/device/?user_code={{user_code}}",
    # Every process signs with the same key from the environment; none generates its own.
    "OIDC_RSA_PRIVATE_KEY": required.rsa_private_key(
        "OIDC_RSA_PRIVATE_KEY",
        hint='The PEM text (not a path) of a 2048+ bit RSA key, e.g. "$(cat KEY.pem)"; see manage.py signing_key',
    ),
    # Keys retired from signing (or about to sign) stay published in JWKS; see docs/key-rotation.md.
    "OIDC_RSA_PRIVATE_KEYS_INACTIVE": required.optional_rsa_private_keys(
        "OIDC_RSA_PRIVATE_KEYS_INACTIVE",
        hint="Zero or more PEM blocks of RSA keys (2048+ bits), concatenated; see docs/key-rotation.md",
    ),
}

# CACHES
# ------------------------------------------------------------------------------
# Optional (base.py falls back to the database cache), but a value that is set must be usable.
required.optional_redis_url("REDIS_URL", hint="redis://HOST:6379/0, or leave it unset to cache in the database")

required.stop_if_any(settings_module=__name__)
