"""Production: secrets and keys only from the environment (no defaults), HTTPS everywhere."""

from django.core.exceptions import ImproperlyConfigured

from config.signing_keys import checked_rsa_private_key, split_pems

from .base import *  # noqa: F403
from .base import EMAIL_HOST_PASSWORD, EMAIL_USE_SSL, EMAIL_USE_TLS, OAUTH2_PROVIDER, POSTGRESQL_BOUNDED_WAITS, env

DEBUG = False
# No defaults: a missing secret or key stops start-up instead of running with a guessable one.
SECRET_KEY = env("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

# DATABASES
# ------------------------------------------------------------------------------
# No SQLite fallback in production: DATABASE_URL must name the PostgreSQL server.
DATABASES = {"default": env.db("DATABASE_URL")}
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
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=True)

# EMAIL
# ------------------------------------------------------------------------------
# No defaults: reset and verification links must reach people (base.py reads EMAIL_URL), from an address
# the recipients' mail servers accept.
if not env("EMAIL_URL"):
    raise ImproperlyConfigured("Set the EMAIL_URL environment variable (e.g. smtp+tls://user:password@host:587).")
if EMAIL_HOST_PASSWORD and not (EMAIL_USE_TLS or EMAIL_USE_SSL):
    # Plain smtp:// would send the password, and every reset link after it, unencrypted.
    raise ImproperlyConfigured("EMAIL_URL has a password but no TLS: use smtp+tls:// (STARTTLS) or smtp+ssl://.")
DEFAULT_FROM_EMAIL = env("DJANGO_DEFAULT_FROM_EMAIL")

# OAUTH2 PROVIDER
# ------------------------------------------------------------------------------
# The public https origin of the provider; it is the OIDC issuer, so it must never depend on a Host header.
PROVIDER_URL = env("PROVIDER_URL").rstrip("/")
if not PROVIDER_URL.startswith("https://"):
    # OIDC Discovery §3: the issuer is an https URL; relying parties refuse anything else.
    raise ImproperlyConfigured(f"PROVIDER_URL must be the provider's https:// origin, not {PROVIDER_URL!r}.")

OAUTH2_PROVIDER = {
    **OAUTH2_PROVIDER,
    "OIDC_ISS_ENDPOINT": PROVIDER_URL,
    "OAUTH_DEVICE_VERIFICATION_URI": f"{PROVIDER_URL}/o/device/",
    "OAUTH_DEVICE_VERIFICATION_URI_COMPLETE": f"{PROVIDER_URL}/o/device/?user_code={{user_code}}",
    # Every process signs with the same key from the environment; none generates its own.
    "OIDC_RSA_PRIVATE_KEY": checked_rsa_private_key(env("OIDC_RSA_PRIVATE_KEY"), setting="OIDC_RSA_PRIVATE_KEY"),
    # Keys retired from signing (or about to sign) stay published in JWKS; see docs/key-rotation.md.
    "OIDC_RSA_PRIVATE_KEYS_INACTIVE": [
        checked_rsa_private_key(pem, setting="OIDC_RSA_PRIVATE_KEYS_INACTIVE")
        for pem in split_pems(env("OIDC_RSA_PRIVATE_KEYS_INACTIVE", default=""))
    ],
}
