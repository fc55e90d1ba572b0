"""Settings shared by every environment; environment modules only override these."""

from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
# A developer may keep overrides in a git-ignored .env file; real deployments use the environment.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

# GENERAL
# ------------------------------------------------------------------------------
# https://docs.djangoproject.com/en/5.2/ref/settings/
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=[])
TIME_ZONE = "UTC"
LANGUAGE_CODE = "en"
USE_I18N = True
# The languages people can read the pages in: the browser's Accept-Language picks one, the OIDC ui_locales
# parameter overrides it for a sign-in (provider.ui_locales), and the switcher at the foot of every page sets it.
LANGUAGES = [("en", "English"), ("fr", "Français")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_TZ = True
SITE_NAME = env("SITE_NAME", default="Django IdP")
# Demo credentials (client secrets generated on first seed) live in this git-ignored file.
DEMO_CREDENTIALS_FILE = BASE_DIR / ".keys" / "demo-credentials.json"

# DATABASES
# ------------------------------------------------------------------------------
# https://docs.djangoproject.com/en/5.2/ref/settings/#databases
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"].get("ENGINE") == "django.db.backends.postgresql":  # a garbled URL has none
    # Reuse connections between requests: opening one costs a TCP + auth round trip per request.
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    DATABASES["default"].setdefault("OPTIONS", {})
    # Fail fast when the database is unreachable so protocol endpoints can answer 503 quickly.
    DATABASES["default"]["OPTIONS"].setdefault("connect_timeout", env.int("DATABASE_CONNECT_TIMEOUT", default=5))
# https://docs.djangoproject.com/en/5.2/ref/databases/#sqlite-transaction-behavior
# SQLite (make run's embedded database) serves several threads or processes writing at once, e.g. four
# clients asking for tokens. Without these, a transaction that reads first and writes later (the token
# endpoint's) fails at once with "database is locked" whenever another one writes.
SQLITE_OPTIONS = {
    # WAL: readers never wait for the writer nor block it. synchronous=NORMAL is safe with WAL: it syncs at
    # checkpoints, not at every commit, so a crash of the app loses nothing and a power cut can at most undo
    # the last commits; the database stays consistent either way (https://sqlite.org/wal.html#performance).
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    # BEGIN IMMEDIATE takes the write lock at the start, so a writer waits its turn (busy timeout) instead
    # of failing when it upgrades a read lock another writer beat it to.
    "transaction_mode": "IMMEDIATE",
    # Seconds a writer waits for the lock before "database is locked" (then answered 503 "busy", not an outage).
    "timeout": env.int("SQLITE_BUSY_TIMEOUT_SECONDS", default=20),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {**SQLITE_OPTIONS, **DATABASES["default"].get("OPTIONS", {})}
# Bounded waits (PostgreSQL): a statement running, or a lock awaited, longer than this is cancelled and the
# request answers 503 temporarily_unavailable with Retry-After (config.database_outage), so a stuck lock
# costs each request a few seconds instead of piling up every worker behind it. 0 turns a limit off.
# https://www.postgresql.org/docs/current/runtime-config-client.html#GUC-STATEMENT-TIMEOUT
DATABASE_STATEMENT_TIMEOUT_MS = env.int("DATABASE_STATEMENT_TIMEOUT_MS", default=10_000)
DATABASE_LOCK_TIMEOUT_MS = env.int("DATABASE_LOCK_TIMEOUT_MS", default=3_000)
POSTGRESQL_BOUNDED_WAITS = (
    f"-c statement_timeout={DATABASE_STATEMENT_TIMEOUT_MS} -c lock_timeout={DATABASE_LOCK_TIMEOUT_MS}"
)
# Prepared statements (PostgreSQL): the same few statements run on every token request, and a prepared one
# skips PostgreSQL's parse and plan each time (measured: about 15 % more tokens per second, docs/benchmarks.md).
# psycopg prepares a statement once a connection has run it PREPARE_THRESHOLD times; it needs server-side
# parameter binding, which Django leaves off by default. Behind PgBouncer in transaction mode keep them only
# with PgBouncer 1.21+ and max_prepared_statements > 0; otherwise set DATABASE_PREPARED_STATEMENTS=false.
# https://docs.djangoproject.com/en/5.2/ref/databases/#server-side-parameters-binding
# https://www.psycopg.org/psycopg3/docs/advanced/prepare.html
POSTGRESQL_PREPARED_STATEMENTS = (
    {"server_side_binding": True, "prepare_threshold": 5}
    if env.bool("DATABASE_PREPARED_STATEMENTS", default=True)
    else {"prepare_threshold": None}
)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Sent by psycopg at connect time (libpq "options"), so every connection has them, pooled or not.
    DATABASES["default"]["OPTIONS"].setdefault("options", POSTGRESQL_BOUNDED_WAITS)
    DATABASES["default"]["OPTIONS"] = {**POSTGRESQL_PREPARED_STATEMENTS, **DATABASES["default"]["OPTIONS"]}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# URLS
# ------------------------------------------------------------------------------
ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

# APPS
# ------------------------------------------------------------------------------
DJANGO_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.admin",
]
THIRD_PARTY_APPS = [
    "oauth2_provider",
    "pgtrigger",
    "axes",
    # Second factors (accounts.mfa): django-otp's TOTP device model; passkeys and recovery codes are ours.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
]
LOCAL_APPS = [
    "provider",
    "accounts",
    "clients",
    "api",
    "audit",
    "consent",
    "tokens",
    "token_cache",
    "observability",
]
INSTALLED_APPS = DJANGO_APPS + THIRD_PARTY_APPS + LOCAL_APPS

# DATABASE TRIGGERS (django-pgtrigger)
# ------------------------------------------------------------------------------
# https://django-pgtrigger.readthedocs.io/en/stable/settings/
# Triggers are declared on models (Meta.triggers) and installed, changed and removed by migrations, like
# indexes: an upgrade applies them in order with the tables they sit on, and a reverse migration takes them
# off. Installing after every migrate instead races with the schema and breaks reversing (pgtrigger's docs).
# pgtrigger is PostgreSQL-only: on SQLite its migration operations do nothing (see token_cache.triggers).
PGTRIGGER_MIGRATIONS = True
PGTRIGGER_INSTALL_ON_MIGRATE = False

# AUTHENTICATION
# ------------------------------------------------------------------------------
# https://docs.djangoproject.com/en/5.2/topics/auth/customizing/
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
# Second factors (accounts.mfa, docs/mfa.md): the issuer authenticator apps show beside the account name,
# and the TOTP device's back-off (each wrong code doubles the wait: 1 s, 2 s, 4 s...).
# https://django-otp-official.readthedocs.io/en/stable/overview.html#settings
OTP_TOTP_ISSUER = SITE_NAME
OTP_TOTP_THROTTLE_FACTOR = 1
# django-axes' backend first, so every authenticate() call (login page, admin, password grant) is refused
# while the account name or the address is locked out (SIGN-IN LOCKOUT below); then Django's ModelBackend.
AUTHENTICATION_BACKENDS = [
    "accounts.sign_in_lockout.SignInLockoutBackend",
    "accounts.sign_in.ThrottledModelBackend",
]

# PASSWORDS
# ------------------------------------------------------------------------------
# https://docs.djangoproject.com/en/5.2/topics/auth/passwords/
PASSWORD_HASHERS = [
    # Argon2 (memory-hard) for new user passwords; PBKDF2 stays to verify and upgrade older hashes.
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
    # Client secrets are 128 random characters: a slow hash adds nothing but CPU per token request.
    "clients.hashers.ClientSecretHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# MIDDLEWARE
# ------------------------------------------------------------------------------
MIDDLEWARE = [
    # First: every response, a redirect or a refusal by a later middleware included, carries the request id.
    "observability.middleware.ObservabilityMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "provider.request_guard.ProtocolRequestGuardMiddleware",
    # After the guard: it reads the query (and the sign-in form's "next") only once the guard accepted them.
    "provider.ui_locales.UiLocalesMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # After authentication: signs out a browser whose sign-in session was ended (accounts.sessions).
    "accounts.sessions.SessionRecordMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "config.middleware.ContentSecurityPolicyMiddleware",
    "provider.throttling.ClientAuthThrottleMiddleware",
    # Last, so it is the first to see a view's exception: a database outage becomes a 503, never a 500.
    "config.database_outage.DatabaseOutageMiddleware",
]

# STATIC
# ------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

# TEMPLATES
# ------------------------------------------------------------------------------
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "config.context_processors.site",
            ],
        },
    },
]

# SECURITY
# ------------------------------------------------------------------------------
# The consent and login pages must never be framed (clickjacking): header + CSP frame-ancestors.
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
# Lax keeps the session on the top-level redirect back from a client while blocking cross-site POSTs.
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_ENGINE = "django.contrib.sessions.backends.db"
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "frame-ancestors 'none'; form-action 'self' http: https:; base-uri 'none'; object-src 'none'"
)

# CACHES
# ------------------------------------------------------------------------------
# https://docs.djangoproject.com/en/5.2/topics/cache/#redis
# Throttles and caches must be shared by every app process: Redis when configured, else the database.
# Django's own Redis backend, with one client object per server and an atomic incr (config.redis_cache).
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "config.redis_cache.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "django_cache",
        }
    }

# REQUEST LIMITS
# ------------------------------------------------------------------------------
# https://docs.djangoproject.com/en/5.2/ref/settings/#data-upload-max-memory-size
# Protocol requests are a few hundred bytes and admin forms a few KB: anything larger is refused with a
# 400 before any parsing work, so an oversized body cannot tie up a worker.
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DJANGO_DATA_UPLOAD_MAX_MEMORY_SIZE", default=64 * 1024)
# A token request has under 15 fields; 300 still leaves room for admin bulk actions on a 100-row page.
DATA_UPLOAD_MAX_NUMBER_FIELDS = env.int("DJANGO_DATA_UPLOAD_MAX_NUMBER_FIELDS", default=300)

# THE PROJECT'S OWN SETTINGS (idp.settings)
# ------------------------------------------------------------------------------
# One namespaced dict, read through idp.settings.idp_settings (reloaded when a test changes it), as
# DOT reads OAUTH2_PROVIDER. Every key has a default there; an unknown key stops start-up (provider.E005).
IDP = {
    # provider.request_guard: the longest single parameter value the protocol endpoints accept. An ID token
    # hint or a "claims" request is a few KB; redirect URIs are at most 2000 characters.
    "REQUEST_GUARD_MAX_VALUE_LENGTH": env.int("REQUEST_GUARD_MAX_VALUE_LENGTH", default=8192),
    # provider.throttling: after MAX failures within WINDOW seconds the subject is blocked for WINDOW
    # seconds, without the secret being checked. 0 disables a limit. Counters live in this cache alias.
    "THROTTLE_CACHE_ALIAS": "default",
    # With Redis, every process mirrors the blocks in force, pushed over Redis pub/sub
    # (provider.throttle_blocks): the check each client authentication makes costs no round trip. While the
    # channel is down (and with the database cache) every check asks the cache.
    "THROTTLE_BLOCKS_PUSHED": env.bool("THROTTLE_BLOCKS_PUSHED", default=True),
    # Client authentication at /o/token/, /o/revoke_token/, /o/introspect/. Secrets are 128 random
    # characters, so this limits noise and stuffing of weak secrets; the per-client limit lets anyone who
    # knows a client_id pause that client for a window, hence a higher default than for people.
    "CLIENT_AUTH_MAX_FAILURES": env.int("OAUTH_CLIENT_AUTH_MAX_FAILURES", default=20),
    "CLIENT_AUTH_MAX_FAILURES_PER_IP": env.int("OAUTH_CLIENT_AUTH_MAX_FAILURES_PER_IP", default=50),
    "CLIENT_AUTH_WINDOW_SECONDS": env.int("OAUTH_CLIENT_AUTH_WINDOW_SECONDS", default=300),
    # Device user codes carry ~40 bits (RFC 8628 §5.1 asks for rate limits on entering them): wrong codes
    # are counted per signed-in user and per IP, in the same window as sign-in failures.
    "DEVICE_CODE_MAX_FAILURES_PER_USER": env.int("DEVICE_CODE_MAX_FAILURES_PER_USER", default=10),
    "DEVICE_CODE_MAX_FAILURES_PER_IP": env.int("DEVICE_CODE_MAX_FAILURES_PER_IP", default=30),
    "DEVICE_CODE_WINDOW_SECONDS": env.int("LOGIN_FAILURE_WINDOW_SECONDS", default=900),
    # Sign-in lockout (accounts.sign_in_lockout, below): per account name and per address (higher: offices
    # and mobile networks share one); 0 disables a limit. The window is how long a count lasts from its
    # first failure, and a lockout from the failure that started it.
    "LOGIN_MAX_FAILURES_PER_ACCOUNT": env.int("LOGIN_MAX_FAILURES_PER_ACCOUNT", default=5),
    "LOGIN_MAX_FAILURES_PER_IP": env.int("LOGIN_MAX_FAILURES_PER_IP", default=30),
    "LOGIN_FAILURE_WINDOW_SECONDS": env.int("LOGIN_FAILURE_WINDOW_SECONDS", default=900),
    # accounts.mail_limits: reset and verification e-mails each, per recipient address (existing or not)
    # and per IP. The request that reaches MAX is still sent; later ones are refused until WINDOW seconds
    # after it. Three per address leaves room for a lost mail; 0 disables a limit.
    # accounts.mfa: wrong second-factor codes (TOTP or recovery) per user and per IP within the window;
    # the code that reaches MAX is refused and so are all codes for that user until WINDOW seconds after it.
    # On top of django-otp's own per-device back-off. Six digits: 5 guesses per 15 min is a 1 in 200000 chance.
    "MFA_MAX_FAILURES_PER_USER": env.int("MFA_MAX_FAILURES_PER_USER", default=5),
    "MFA_MAX_FAILURES_PER_IP": env.int("MFA_MAX_FAILURES_PER_IP", default=30),
    "MFA_FAILURE_WINDOW_SECONDS": env.int("MFA_FAILURE_WINDOW_SECONDS", default=900),
    # accounts.mfa.passkeys: the WebAuthn relying party id passkeys are bound to, a host name. Empty: the issuer's
    # host (idp.example.com). A parent domain (example.com) lets sibling sites share the passkeys; it must be
    # a registrable suffix of the issuer's host or browsers refuse it. Changing it later orphans every passkey.
    "WEBAUTHN_RP_ID": env("WEBAUTHN_RP_ID", default=""),
    "ACCOUNT_MAIL_MAX_PER_ADDRESS": env.int("ACCOUNT_MAIL_MAX_PER_ADDRESS", default=3),
    "ACCOUNT_MAIL_MAX_PER_IP": env.int("ACCOUNT_MAIL_MAX_PER_IP", default=20),
    "ACCOUNT_MAIL_WINDOW_SECONDS": env.int("ACCOUNT_MAIL_WINDOW_SECONDS", default=900),
    # Rendered and sent by a worker thread after the response, so a reset request for a known address takes
    # as long as one for an unknown address (no enumeration by timing) and a slow mail server stalls no page.
    "ACCOUNT_MAIL_IN_BACKGROUND": True,
    # Back-channel logout notices (provider.backchannel_logout) are sent by a worker thread after the sign-out
    # commits; `manage.py deliver_backchannel_logouts` (cron) sends what a stopped process left and due retries.
    "BACKCHANNEL_LOGOUT_IN_BACKGROUND": True,
    # Server-side requests to URIs clients registered (idp.outbound) go to public https addresses only;
    # development turns this on so the demo web client on localhost can be called.
    "OUTBOUND_ALLOW_PRIVATE_ADDRESSES": False,
    # A verification link works until the address is verified or changed, and for this long.
    # Self-registration (accounts.registration) at /accounts/register/ and OIDC prompt=create: off unless turned
    # on; a new account is signed in and mailed a verification link.
    "SELF_REGISTRATION": env.bool("ACCOUNT_SELF_REGISTRATION", default=False),
    "EMAIL_VERIFICATION_TIMEOUT": env.int("EMAIL_VERIFICATION_TIMEOUT_SECONDS", default=24 * 3600),
    # How many reverse proxies in front of the app append to X-Forwarded-For. 0 trusts only REMOTE_ADDR:
    # trusting more hops than really exist lets a client forge its address and dodge per-IP throttles.
    "CLIENT_IP_TRUSTED_PROXIES": env.int("CLIENT_IP_TRUSTED_PROXIES", default=0),
    # Absolute refresh lifetime (ASVS 10.4.8): a chain of rotated refresh tokens ends this long after the
    # grant that started it, however often refreshed (REFRESH_TOKEN_EXPIRE_SECONDS is only an idle limit).
    "REFRESH_ABSOLUTE_SECONDS": env.int("OAUTH_REFRESH_ABSOLUTE_SECONDS", default=30 * 24 * 3600),
    # Redirect URIs over plain http are accepted only for loopback hosts of public (native) clients
    # (RFC 8252 §7.3). Development turns this on for confidential clients too, for the demo web client.
    "ALLOW_HTTP_LOOPBACK_FOR_CONFIDENTIAL": env.bool("OAUTH_ALLOW_HTTP_LOOPBACK_FOR_CONFIDENTIAL", default=False),
    # While the database is unreachable, requests get a 503 telling clients to retry after this many seconds.
    "DATABASE_OUTAGE_RETRY_AFTER_SECONDS": env.int("DATABASE_OUTAGE_RETRY_AFTER_SECONDS", default=5),
    # Lock contention (SQLite's busy timeout ran out, a PostgreSQL lock timeout or deadlock) is not an
    # outage: the same 503, saying the server is busy, with a short Retry-After (the next try likely works).
    "DATABASE_BUSY_RETRY_AFTER_SECONDS": env.int("DATABASE_BUSY_RETRY_AFTER_SECONDS", default=1),
    # observability: /metrics answers a scraper sending "Authorization: Bearer <this>"; empty turns metrics off
    # (nothing counted, /metrics is 404). With several worker processes prometheus_client keeps their values in
    # PROMETHEUS_MULTIPROC_DIR (it reads that variable itself, so it must be in the app server's environment).
    "METRICS_BEARER_TOKEN": env("METRICS_BEARER_TOKEN", default=""),
    "METRICS_MULTIPROCESS_DIR": env("PROMETHEUS_MULTIPROC_DIR", default=""),
    # token_cache: each process keeps the bearer tokens it validated, and the users and clients they name, so
    # an API call costs no query. Any change to those rows (revocation, deactivation, a disabled client, also
    # by bulk update or raw SQL) reaches every process within TOKEN_CACHE_POLL_SECONDS through a
    # trigger-written table. TOKEN_CACHE_ENABLED=False is DOT's behaviour: one joined query and a new
    # oauthlib server per API call. MAX_AGE is the backstop for what no trigger sees (TRUNCATE, a restore).
    "TOKEN_CACHE_ENABLED": env.bool("TOKEN_CACHE_ENABLED", default=True),
    "TOKEN_CACHE_POLL_SECONDS": env.float("TOKEN_CACHE_POLL_SECONDS", default=0.5),
    "TOKEN_CACHE_MAX_AGE_SECONDS": env.float("TOKEN_CACHE_MAX_AGE_SECONDS", default=300.0),
    "TOKEN_CACHE_MAX_ENTRIES": env.int("TOKEN_CACHE_MAX_ENTRIES", default=20000),
    # On PostgreSQL each process also LISTENs for the feed (token_cache.listener): a change is pushed to every
    # process the moment it commits, and while that channel is up the poll above slows to LISTEN_POLL_SECONDS
    # (a safety net); when it drops, polling every POLL_SECONDS takes over until it is back. The listener
    # connects like the app unless TOKEN_CACHE_LISTEN_DATABASE_URL names a direct connection to the primary
    # (needed behind PgBouncer in transaction mode, which cannot carry LISTEN). SQLite always polls.
    "TOKEN_CACHE_LISTEN": env.bool("TOKEN_CACHE_LISTEN", default=True),
    "TOKEN_CACHE_LISTEN_POLL_SECONDS": env.float("TOKEN_CACHE_LISTEN_POLL_SECONDS", default=5.0),
    "TOKEN_CACHE_LISTEN_DATABASE_URL": env("TOKEN_CACHE_LISTEN_DATABASE_URL", default=""),
    # An unknown bearer token is remembered (as its checksum) for REFUSED_SECONDS, at most REFUSED_MAX_ENTRIES
    # of them per process, so repeating a garbage token costs no query. Keep it no longer than the poll
    # interval: a token stored later with a chosen value is then honoured within the same bound as a
    # revocation (random tokens cannot be presented before they are issued; token_cache.cache).
    "TOKEN_CACHE_REFUSED_SECONDS": env.float("TOKEN_CACHE_REFUSED_SECONDS", default=0.5),
    "TOKEN_CACHE_REFUSED_MAX_ENTRIES": env.int("TOKEN_CACHE_REFUSED_MAX_ENTRIES", default=10000),
    # JWT access tokens (RFC 9068, provider.jwt_access_tokens) for the clients an admin switched to them. A
    # token requested without an RFC 8707 ``resource`` is for this audience; empty: this provider's own API
    # (<origin>/api/). MAX bounds the lifetime an admin may give such a client: offline verifiers cannot
    # see a revocation before expiry, and key rotation keeps a retired key published this long.
    "JWT_ACCESS_TOKEN_AUDIENCE": env("JWT_ACCESS_TOKEN_AUDIENCE", default=""),
    "JWT_ACCESS_TOKEN_MAX_SECONDS": env.int("JWT_ACCESS_TOKEN_MAX_SECONDS", default=3600),
    # Pushed authorization requests (RFC 9126, provider.pushed_authorization): a request_uri must reach the
    # authorization endpoint within SECONDS of its push (RFC 9126 §2.2: "short-lived", 5 to 600 s in practice).
    # OAUTH_REQUIRE_PAR makes every client push its requests; an admin can also require it per client.
    "PUSHED_AUTHORIZATION_REQUEST_SECONDS": env.int("OAUTH_PAR_REQUEST_URI_SECONDS", default=60),
    "REQUIRE_PUSHED_AUTHORIZATION_REQUESTS": env.bool("OAUTH_REQUIRE_PAR", default=False),
    # DPoP (RFC 9449, provider.dpop): demand a server nonce (§8 at the token endpoint, §9 at the API) in every
    # proof. A proof without a fresh one is answered use_dpop_nonce with a DPoP-Nonce header to retry with.
    # Off by default: nonces cost every client one extra round trip, and the proof's iat window and
    # single-use jti already bound a proof's replay; turn it on to stop proofs pre-made for later use.
    "DPOP_NONCE_REQUIRED": env.bool("OAUTH_DPOP_NONCE_REQUIRED", default=False),
}

# SIGN-IN LOCKOUT (django-axes)
# ------------------------------------------------------------------------------
# https://django-axes.readthedocs.io/en/latest/4_configuration.html
# After MAX failed sign-ins the account name (existing or not) or the address is locked out for WINDOW
# seconds, and no password is checked meanwhile: on the sign-in page, the admin's login and the legacy
# password grant. accounts.sign_in_lockout says where its handler differs from axes' own and why.
# The limits per account name and per address are IDP["LOGIN_MAX_FAILURES_PER_ACCOUNT"] and ["..._PER_IP"]
# (axes has one AXES_FAILURE_LIMIT for every parameter and it is not used here: the handler reads those).
AXES_COOLOFF_TIME = timedelta(seconds=IDP["LOGIN_FAILURE_WINDOW_SECONDS"])
# Each counted on its own: a name is locked out from every address, an address for every name.
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
# Counts in the Django cache (Redis with REDIS_URL, else the database cache), shared by every app process
# like the other throttles. Not axes' database handler: it writes a row per (name, address, user agent)
# with the typed name in clear (people type passwords there), sums rows at every attempt, and has the
# same single limit. Lockouts are listed in the admin from the audit trail instead of axes' tables.
AXES_HANDLER = "accounts.sign_in_lockout.SignInLockoutHandler"
AXES_CACHE = "default"
# "Alice " and "alice" share one count; the address comes from the one place that resolves it.
AXES_USERNAME_CALLABLE = "accounts.sign_in_lockout.lockout_username"
AXES_CLIENT_IP_CALLABLE = "idp.client_address.client_address"
# A correct password clears the account name's count; the address's stays (the handler's choice).
AXES_RESET_ON_SUCCESS = True
# An attempt refused while locked out is not counted and does not stretch the lockout.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# axes' admin lists its database tables, which the cache handler leaves empty.
AXES_ENABLE_ADMIN = False

# EMAIL
# ------------------------------------------------------------------------------
# https://django-environ.readthedocs.io/en/latest/types.html#environ-env-email-url
# Where mail goes, as one URL: smtp+tls://user:password@host:587 (STARTTLS) or smtp+ssl://user:password@host:465
# (TLS from the first byte); percent-encode reserved characters in the password. Unset: printed on the
# console (development). Production requires it (production.py).
_email = environ.Env.email_url_config(env("EMAIL_URL", default="") or "consolemail://")
if _email.get("OPTIONS"):
    # django-environ passes unknown query parameters (e.g. ?tls=True) to a setting Django never reads: TLS
    # would silently stay off and the password and every reset link would cross the network in clear.
    raise ImproperlyConfigured(
        f"EMAIL_URL: unknown option(s) {', '.join(sorted(_email['OPTIONS']))}; "
        "choose TLS with the scheme instead: smtp+tls:// (STARTTLS) or smtp+ssl://."
    )
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_HOST = _email["EMAIL_HOST"] or "localhost"
EMAIL_PORT = _email["EMAIL_PORT"] or 25
EMAIL_HOST_USER = _email["EMAIL_HOST_USER"] or ""
EMAIL_HOST_PASSWORD = _email["EMAIL_HOST_PASSWORD"] or ""
EMAIL_USE_TLS = bool(_email.get("EMAIL_USE_TLS"))
EMAIL_USE_SSL = bool(_email.get("EMAIL_USE_SSL"))
# Mail is sent by a worker thread (accounts.mail); a silent mail server must not hold it forever.
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = env("DJANGO_DEFAULT_FROM_EMAIL", default=f"{SITE_NAME} <noreply@localhost>")
# Links in e-mails start with this origin when set (production requires it), never with a Host header a
# client chose; empty (development, tests): the origin the request came in on.
PROVIDER_URL = env("PROVIDER_URL", default="").rstrip("/")

# ACCOUNT RECOVERY AND E-MAIL VERIFICATION
# ------------------------------------------------------------------------------
# https://docs.djangoproject.com/en/5.2/ref/settings/#password-reset-timeout
# A reset link works once (it dies when the password changes) and for this long: short, because anyone who
# reads the mailbox meanwhile can take the account.
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_RESET_TIMEOUT_SECONDS", default=3600)
# The verification link's lifetime, the mail rate limits and background sending are in IDP (above).

# LOGGING
# ------------------------------------------------------------------------------
# Plain text for people, or one JSON object per line for a log pipeline (DJANGO_LOG_FORMAT=json); both carry
# the request id (X-Request-ID) of the request being served.
LOG_FORMAT = env("DJANGO_LOG_FORMAT", default="plain")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "observability.logging.RequestIdFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {"()": "observability.logging.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json" if LOG_FORMAT == "json" else "plain",
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
}

# OAUTH2 PROVIDER
# ------------------------------------------------------------------------------
# https://django-oauth-toolkit.readthedocs.io/en/latest/settings.html
OAUTH2_PROVIDER_APPLICATION_MODEL = "clients.Application"
# DOT's own token and grant models, named so migrations of apps that point at them (tokens) can resolve the swappable.
OAUTH2_PROVIDER_ACCESS_TOKEN_MODEL = "oauth2_provider.AccessToken"  # noqa: S105 - a model label, not a secret
OAUTH2_PROVIDER_GRANT_MODEL = "oauth2_provider.Grant"


def gettext_noop(message: str) -> str:
    """Marks a string for makemessages; it is translated where it is shown. Django's own gettext_noop goes through
    its translation machinery, which reads the settings: here, the very module being loaded."""
    return message


# Every scope a client can ask for, with the sentence the consent page shows the user (marked for translation
# here, translated where it is shown: consent.forms).
OAUTH2_SCOPES = {
    "openid": gettext_noop("Sign you in and confirm who you are"),
    "profile": gettext_noop("See your name and username"),
    "email": gettext_noop("See your email address"),
    "profile:write": gettext_noop("Change your name"),
    "notes:read": gettext_noop("Read your notes"),
    "notes:write": gettext_noop("Create, change and delete your notes"),
    # Action scopes: each grants one action on notes and nothing else (not even reading them).
    "notes:archive": gettext_noop("Archive your notes and bring them back"),
    "notes:share": gettext_noop("Publish read-only links to your notes, and withdraw them"),
    "authorizations:read": gettext_noop("See which applications you have authorized"),
    "authorizations:write": gettext_noop("Revoke applications you have authorized"),
    "users:read": gettext_noop("List user accounts (machine-to-machine provisioning)"),
    # Only for resource servers: lets a confidential client ask /o/introspect/ about any token (RFC 7662).
    "introspection": gettext_noop("Check whether access tokens are active (resource servers only)"),
}

OAUTH2_PROVIDER = {
    "SCOPES": OAUTH2_SCOPES,
    # A request that names no scope gets none beyond what the client is allowed by default.
    "DEFAULT_SCOPES": ["openid"],
    "SCOPES_BACKEND_CLASS": "clients.scopes.ApplicationScopes",
    "OAUTH2_VALIDATOR_CLASS": "provider.validator.OAuth2Validator",
    "OAUTH2_SERVER_CLASS": "provider.server.Server",
    # Every repeated body value reaches oauthlib, whose duplicate-parameter checks then apply (provider.backend).
    "OAUTH2_BACKEND_CLASS": "provider.backend.OAuthLibCore",
    "APPLICATION_ADMIN_CLASS": "clients.admin.ApplicationAdmin",
    "ACCESS_TOKEN_ADMIN_CLASS": "clients.admin.AccessTokenAdmin",
    "REFRESH_TOKEN_ADMIN_CLASS": "clients.admin.RefreshTokenAdmin",
    "GRANT_ADMIN_CLASS": "clients.admin.GrantAdmin",
    "ID_TOKEN_ADMIN_CLASS": "clients.admin.IDTokenAdmin",
    # Lifetimes: short access tokens limit the damage of a leak; codes are one-shot and near-instant.
    "ACCESS_TOKEN_EXPIRE_SECONDS": env.int("OAUTH_ACCESS_TOKEN_SECONDS", default=3600),
    # JWT access tokens (RFC 9068) for the clients an admin switched to them, random ones for the rest; a
    # JWT client's lifetime is its own (provider.server). Refresh tokens stay random: oauthlib would
    # otherwise make them with the access token generator too.
    "ACCESS_TOKEN_GENERATOR": "provider.jwt_access_tokens.access_token_generator",
    "REFRESH_TOKEN_GENERATOR": "oauthlib.oauth2.rfc6749.tokens.random_token_generator",
    "ID_TOKEN_EXPIRE_SECONDS": env.int("OAUTH_ID_TOKEN_SECONDS", default=3600),
    "AUTHORIZATION_CODE_EXPIRE_SECONDS": env.int("OAUTH_CODE_SECONDS", default=60),
    # Idle limit: a refresh token dies this long after its last access token expired (DOT slides it).
    "REFRESH_TOKEN_EXPIRE_SECONDS": env.int("OAUTH_REFRESH_IDLE_SECONDS", default=14 * 24 * 3600),
    # RFC 9700 §4.14.2: rotate refresh tokens and treat reuse of a rotated one as theft.
    "ROTATE_REFRESH_TOKEN": True,
    "REFRESH_TOKEN_REUSE_PROTECTION": True,
    # A few seconds let a client that lost the rotated response on the network retry once.
    "REFRESH_TOKEN_GRACE_PERIOD_SECONDS": env.int("OAUTH_REFRESH_GRACE_SECONDS", default=0),
    "DEVICE_FLOW_INTERVAL": 5,
    "OAUTH_DEVICE_VERIFICATION_URI": env("OAUTH_DEVICE_VERIFICATION_URI", default="http://127.0.0.1:8000/o/device/"),
    # RFC 8628 §3.3.1: a link (or QR code) with the code filled in; the person still confirms the client.
    "OAUTH_DEVICE_VERIFICATION_URI_COMPLETE": env(
        "OAUTH_DEVICE_VERIFICATION_URI", default="http://127.0.0.1:8000/o/device/"
    )
    + "?user_code={user_code}",
    # OAuth 2.1: PKCE for every client, S256 only.
    "PKCE_REQUIRED": True,
    "COMPLIANT_BCP_RFC9700_PKCE_METHOD": True,
    "COMPLIANT_BCP_RFC9700_PKCE_REQUIRED": True,
    "COMPLIANT_BCP_RFC9700_IMPLICIT_GRANT": True,
    # The password grant is refused globally; provider.validator lets an admin opt a legacy client in.
    "COMPLIANT_BCP_RFC9700_PASSWORD_GRANT": True,
    "COMPLIANT_BCP_RFC9700_ACCESS_TOKEN_TRANSPORT": True,
    "COMPLIANT_BCP_RFC9700_AUTHZ_RESPONSE_ISS": True,
    "COMPLIANT_BCP_RFC9700_TOKEN_STORAGE": True,
    "COMPLIANT_BCP_RFC9700_REFRESH_TOKEN": True,
    "COMPLIANT_BCP_RFC9700_REDIRECT_URI_SCHEME": True,
    "COMPLIANT_BCP_RFC9700_REDIRECT_URI_MATCHING": True,
    "ALLOWED_REDIRECT_URI_SCHEMES": ["https", "http"],
    "ALLOW_URI_WILDCARDS": False,
    # DOT never skips the page by itself; provider.views.authorization.ConsentView skips it for trusted clients and for
    # consent the user already gave (the consent app). "auto" would trust any live token instead.
    "REQUEST_APPROVAL_PROMPT": "force",
    "CLIENT_SECRET_HASHER": "client_secret_sha256",
    # OpenID Connect
    "OIDC_ENABLED": True,
    "OIDC_ISS_ENDPOINT": env("OIDC_ISSUER", default=""),
    "OIDC_RSA_PRIVATE_KEY": "",  # set by each environment module
    "OIDC_RSA_PRIVATE_KEYS_INACTIVE": [],
    # How long relying parties may cache JWKS (DOT also allows as long again stale): key rotation waits
    # for twice this between publishing a new key and signing with it (docs/key-rotation.md).
    "OIDC_JWKS_MAX_AGE_SECONDS": env.int("OIDC_JWKS_MAX_AGE_SECONDS", default=3600),
    "OIDC_RESPONSE_TYPES_SUPPORTED": ["code"],
    "OAUTH2_RESPONSE_TYPES_SUPPORTED": ["code"],
    "OIDC_TOKEN_ENDPOINT_AUTH_METHODS_SUPPORTED": ["client_secret_basic", "client_secret_post", "none"],
    "OAUTH2_TOKEN_ENDPOINT_AUTH_METHODS_SUPPORTED": ["client_secret_basic", "client_secret_post", "none"],
    "OAUTH2_GRANT_TYPES_SUPPORTED": [
        "authorization_code",
        "client_credentials",
        "refresh_token",
        "urn:ietf:params:oauth:grant-type:device_code",
    ],
    "OIDC_RP_INITIATED_LOGOUT_ENABLED": True,
    # OpenID Connect Prompt Create 1.0: prompt=create sends a signed-out user to self-registration, when on.
    "OIDC_RP_INITIATED_REGISTRATION_ENABLED": IDP["SELF_REGISTRATION"],
    "OIDC_RP_INITIATED_REGISTRATION_URL": "register",
    "OIDC_RP_INITIATED_LOGOUT_ALWAYS_PROMPT": True,
    "OIDC_RP_INITIATED_LOGOUT_STRICT_REDIRECT_URIS": True,
    "OIDC_RP_INITIATED_LOGOUT_ACCEPT_EXPIRED_TOKENS": False,
    "OIDC_RP_INITIATED_LOGOUT_DELETE_TOKENS": True,
    "CLEAR_EXPIRED_TOKENS_BATCH_SIZE": 10000,
}

# DOT's deploy check E003 objects to "http" in ALLOWED_REDIRECT_URI_SCHEMES at all. It stays because
# RFC 8252 §7.3 native apps receive their code on http://127.0.0.1:<port>, which RFC 9700 §2.1 allows;
# clients.redirect_uris refuses every other http redirect URI when an admin registers it.
SILENCED_SYSTEM_CHECKS = [
    "oauth2_provider.E003",
    # axes' middleware turns a lockout into axes' own page (or AXES_LOCKOUT_CALLABLE's) on any view, the
    # admin's login included. The sign-in page answers lockouts itself, with the form it shows anyway
    # (accounts.sign_in), and the admin keeps its generic error; so neither is installed.
    "axes.W002",
]

# DJANGO REST FRAMEWORK
# ------------------------------------------------------------------------------
# https://www.django-rest-framework.org/api-guide/settings/
REST_FRAMEWORK = {
    # OAuth2Authentication first: DRF takes the 401 challenge from the first class only.
    # api.authentication extends DOT's OAuth2Authentication: header-only tokens, RFC 6750 challenges.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.BearerTokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # drf-spectacular's AutoSchema, also documenting the 401/403/429 refusals of protected operations.
    "DEFAULT_SCHEMA_CLASS": "api.schema.ApiAutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
    # Every API error as {"error", "error_description"}, with the RFC 6750 challenge on 401 and 403.
    "EXCEPTION_HANDLER": "api.exception_handler.api_exception_handler",
    # Per (client, user) grant, per client, and per IP for public share links; counted in the default
    # cache, so the limits hold across app processes. An empty value turns a limit off (e.g. for bench/).
    "DEFAULT_THROTTLE_RATES": {
        "api_grant": env("API_THROTTLE_RATE_PER_GRANT", default="600/min") or None,
        "api_client": env("API_THROTTLE_RATE_PER_CLIENT", default="6000/min") or None,
        "api_anon": env("API_THROTTLE_RATE_ANONYMOUS", default="60/min") or None,
    },
}

# Where the provider sends Swagger UI's login popup back (registered on demo-spa). Empty: Swagger UI uses
# <its own origin>/api/docs/oauth2-redirect.html, the same page on whatever host serves the docs.
API_DOCS_OAUTH2_REDIRECT_URL = env("API_DOCS_OAUTH2_REDIRECT_URL", default="")
SPECTACULAR_SETTINGS = {
    "TITLE": "Django IdP resource API",
    "DESCRIPTION": "Each user's protected resources, behind OAuth 2 bearer tokens and scopes.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema and docs are public and ignore any token, so a stale one cannot break them.
    "SERVE_AUTHENTICATION": [],
    # Request and response bodies as separate components: what a client sends is not what it gets back.
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SWAGGER_UI_SETTINGS": {
        "deepLinking": True,
        **({"oauth2RedirectUrl": API_DOCS_OAUTH2_REDIRECT_URL} if API_DOCS_OAUTH2_REDIRECT_URL else {}),
        # No call to the public swagger.io validator: the docs talk to this origin only.
        "validatorUrl": None,
        "persistAuthorization": False,
    },
    # Swagger UI signs in as the public PKCE client demo-spa through the real login and consent pages.
    "SWAGGER_UI_OAUTH2_CONFIG": {
        "clientId": env("API_DOCS_OAUTH2_CLIENT_ID", default="demo-spa"),
        "usePkceWithAuthorizationCodeGrant": True,
        # No "scopes" here: Swagger UI would pre-select them in every flow and send them with client credentials
        # too, even where the flow does not list them, and a machine client would get invalid_scope.
        "appName": "API docs",
    },
}
