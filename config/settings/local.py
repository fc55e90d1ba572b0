"""Developer defaults: DEBUG, SQLite, a generated signing key. Only overrides base (which prints e-mail on the
console unless EMAIL_URL names a mail server)."""

from config.signing_keys import load_or_create_dev_key, split_pems

from .base import *  # noqa: F403
from .base import BASE_DIR, IDP, INSTALLED_APPS, OAUTH2_PROVIDER, env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
# Only a development key: production.py has no default and refuses to start without one.
SECRET_KEY = env("DJANGO_SECRET_KEY", default="django-insecure-local-development-only-key")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])

# The demo web client runs on http://localhost:8001; real clients must use https.
IDP = {**IDP, "ALLOW_HTTP_LOOPBACK_FOR_CONFIDENTIAL": True, "OUTBOUND_ALLOW_PRIVATE_ADDRESSES": True}

OAUTH2_PROVIDER = {
    **OAUTH2_PROVIDER,
    "OIDC_RSA_PRIVATE_KEY": env("OIDC_RSA_PRIVATE_KEY", default="")
    or load_or_create_dev_key(BASE_DIR / ".keys" / "oidc-rsa.pem"),
    "OIDC_RSA_PRIVATE_KEYS_INACTIVE": split_pems(env("OIDC_RSA_PRIVATE_KEYS_INACTIVE", default="")),
}

# Demo data (manage.py seed_demo): development and tests only, never production.
INSTALLED_APPS = [*INSTALLED_APPS, "demo"]
