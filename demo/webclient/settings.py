"""Settings of the demo web client: a separate project with its own secret key, sessions and cookies.

Nothing here is shared with the provider's ``config.settings``: a relying party is another application on
another origin (http://localhost:8001 while the provider is http://127.0.0.1:8000), so cookies never mix.
"""

import json
import secrets
from pathlib import Path

import environ

REPO_DIR = Path(__file__).resolve().parent.parent.parent
KEYS_DIR = REPO_DIR / ".keys"

env = environ.Env()


def _generated_secret_key() -> str:
    """A key generated once into the git-ignored .keys/ folder: the client never reuses the provider's key."""
    path = KEYS_DIR / "webclient-secret-key"
    if not path.exists():
        KEYS_DIR.mkdir(mode=0o700, parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


def _demo_credentials() -> dict:
    """What ``manage.py seed_demo`` wrote: provider and client URLs and the generated client secrets."""
    path = KEYS_DIR / "demo-credentials.json"
    return json.loads(path.read_text()) if path.exists() else {}


# GENERAL
# ------------------------------------------------------------------------------
SECRET_KEY = env("WEBCLIENT_SECRET_KEY", default="") or _generated_secret_key()
# Off by default even in the demo: a relying party shows readable errors, never a stack trace.
DEBUG = env.bool("WEBCLIENT_DEBUG", default=False)
ALLOWED_HOSTS = ["localhost", "127.0.0.1", "[::1]"]
ROOT_URLCONF = "demo.webclient.urls"
WSGI_APPLICATION = "demo.webclient.wsgi.application"
TIME_ZONE = "UTC"
USE_TZ = True
# No database: tokens live in server-side file sessions, so the demo needs no migrations of its own.
DATABASES = {}

INSTALLED_APPS = ["django.contrib.staticfiles", "demo.webclient"]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "demo.webclient.middleware.ContentSecurityPolicyMiddleware",
]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csrf",
                "demo.webclient.context_processors.provider",
            ]
        },
    }
]

# STATIC (served by WhiteNoise straight from the app folder: no collectstatic, no CDN)
# ------------------------------------------------------------------------------
STATIC_URL = "/static/"
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# SESSIONS AND COOKIES
# ------------------------------------------------------------------------------
# Tokens are credentials: keep them server-side (files), never in a cookie the browser can read back.
SESSION_ENGINE = "django.contrib.sessions.backends.file"
SESSION_FILE_PATH = env("WEBCLIENT_SESSION_DIR", default=str(KEYS_DIR / "webclient-sessions"))
Path(SESSION_FILE_PATH).mkdir(mode=0o700, parents=True, exist_ok=True)
# Own cookie names, so even on one host they could never be confused with the provider's.
SESSION_COOKIE_NAME = "webclient_session"
CSRF_COOKIE_NAME = "webclient_csrftoken"
SESSION_COOKIE_HTTPONLY = True
# Lax: the provider's redirect back to /callback is a top-level cross-site GET that must carry the session.
SESSION_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; style-src 'self'; script-src 'none'; frame-ancestors 'none'; "
    "form-action 'self' http: https:; base-uri 'none'; object-src 'none'"
)

# LOGGING
# ------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("WEBCLIENT_LOG_LEVEL", default="WARNING")},
}

# THE RELYING PARTY'S REGISTRATION AT THE PROVIDER
# ------------------------------------------------------------------------------
# https://docs.authlib.org/en/latest/client/django.html
_credentials = _demo_credentials()
WEBCLIENT_PROVIDER_URL = env(
    "WEBCLIENT_PROVIDER_URL", default=_credentials.get("provider_url", "http://127.0.0.1:8000")
).rstrip("/")
WEBCLIENT_URL = env("WEBCLIENT_URL", default=_credentials.get("client_url", "http://localhost:8001")).rstrip("/")
WEBCLIENT_CLIENT_ID = env("WEBCLIENT_CLIENT_ID", default="demo-web")
WEBCLIENT_CLIENT_SECRET = env(
    "WEBCLIENT_CLIENT_SECRET", default=_credentials.get("client_secrets", {}).get(WEBCLIENT_CLIENT_ID, "")
)
WEBCLIENT_SCOPES = env("WEBCLIENT_SCOPES", default="openid profile email notes:read")
# Demo users shown on the home page as a convenience (from the git-ignored credentials file; never the admin).
WEBCLIENT_DEMO_USERS = {name: password for name, password in _credentials.get("users", {}).items() if name != "admin"}
# How long to wait for the provider before telling the user it is not answering.
WEBCLIENT_PROVIDER_TIMEOUT = env.float("WEBCLIENT_PROVIDER_TIMEOUT", default=5.0)
# API paths the signed-in page offers to call with the access token (all under the provider's origin).
WEBCLIENT_API_PATHS = env.list("WEBCLIENT_API_PATHS", default=["/api/me/"])
# The authentication context class "Log in with a second factor" asks for (OIDC Core §3.1.2.1 acr_values), and
# the one the ID token's acr must then name: the provider's multi-factor class (its acr_values_supported).
WEBCLIENT_MFA_ACR = env("WEBCLIENT_MFA_ACR", default="urn:idp:acr:mfa")
