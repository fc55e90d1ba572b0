"""The project's own settings: one namespaced dict, ``IDP``, read through ``idp_settings``, as DOT and DRF do.

``config/settings/base.py`` fills ``IDP`` from the environment; everything else reads
``idp_settings.NAME``. Values are looked up once and kept (a plain attribute read on the hot path),
and forgotten whenever ``IDP`` changes (``setting_changed``: tests override it by assigning a whole
new dict, as with ``OAUTH2_PROVIDER``). An unknown key is a start-up error (provider.checks), so a
typo cannot silently leave a default in force.
"""

from typing import Any

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver

DEFAULTS: dict[str, Any] = {
    # provider.request_guard: the longest single protocol parameter value accepted.
    "REQUEST_GUARD_MAX_VALUE_LENGTH": 8192,
    # provider.throttling: failures within the window before a client_id / IP is blocked for the window.
    "CLIENT_AUTH_MAX_FAILURES": 20,
    "CLIENT_AUTH_MAX_FAILURES_PER_IP": 50,
    "CLIENT_AUTH_WINDOW_SECONDS": 300,
    # provider.throttling: wrong device user codes per signed-in user / IP within the window.
    "DEVICE_CODE_MAX_FAILURES_PER_USER": 10,
    "DEVICE_CODE_MAX_FAILURES_PER_IP": 30,
    "DEVICE_CODE_WINDOW_SECONDS": 900,
    # accounts.sign_in_lockout: failed sign-ins per account name / address before a lockout of the window.
    "LOGIN_MAX_FAILURES_PER_ACCOUNT": 5,
    "LOGIN_MAX_FAILURES_PER_IP": 30,
    "LOGIN_FAILURE_WINDOW_SECONDS": 900,
    # accounts.mfa.throttling: wrong second-factor codes per user / IP within the window.
    "MFA_MAX_FAILURES_PER_USER": 5,
    "MFA_MAX_FAILURES_PER_IP": 30,
    "MFA_FAILURE_WINDOW_SECONDS": 900,
    # accounts.mfa.passkeys: the WebAuthn relying party id (empty: the issuer's host name).
    "WEBAUTHN_RP_ID": "",
    # accounts.mail_limits: reset and verification mails per recipient address / IP within the window.
    "ACCOUNT_MAIL_MAX_PER_ADDRESS": 3,
    "ACCOUNT_MAIL_MAX_PER_IP": 20,
    "ACCOUNT_MAIL_WINDOW_SECONDS": 900,
    # accounts.mail: send account mail from a worker thread after the response.
    "ACCOUNT_MAIL_IN_BACKGROUND": True,
    # provider.backchannel_logout: send logout notices from a worker thread after the commit.
    "BACKCHANNEL_LOGOUT_IN_BACKGROUND": True,
    # idp.outbound: server-side requests may go to loopback and private addresses, over http (development only).
    "OUTBOUND_ALLOW_PRIVATE_ADDRESSES": False,
    # accounts.registration: anyone may create an account (and clients may send prompt=create).
    "SELF_REGISTRATION": False,
    # accounts.email_verification: how long a verification link works.
    "EMAIL_VERIFICATION_TIMEOUT": 24 * 3600,
    # The cache alias the counters live in: it must be shared by every app process (provider.checks).
    "THROTTLE_CACHE_ALIAS": "default",
    # provider.throttle_blocks: with Redis, each process mirrors the blocks in force, pushed over pub/sub.
    "THROTTLE_BLOCKS_PUSHED": True,
    # How many reverse proxies in front of the app append to X-Forwarded-For (0: trust REMOTE_ADDR only).
    "CLIENT_IP_TRUSTED_PROXIES": 0,
    # tokens.lifetimes: a refresh chain ends this long after its first token, however often rotated.
    "REFRESH_ABSOLUTE_SECONDS": 30 * 24 * 3600,
    # clients.redirect_uris: http loopback redirect URIs for confidential clients (development only).
    "ALLOW_HTTP_LOOPBACK_FOR_CONFIDENTIAL": False,
    # token_cache: per-process cache of validated bearer tokens, kept in step by the invalidation feed.
    "TOKEN_CACHE_ENABLED": True,
    "TOKEN_CACHE_POLL_SECONDS": 0.5,
    "TOKEN_CACHE_MAX_AGE_SECONDS": 300.0,
    "TOKEN_CACHE_MAX_ENTRIES": 20000,
    # token_cache.listener: on PostgreSQL a thread per process LISTENs for new feed rows and reads them at once;
    # while it is connected the poll is only a safety net, every LISTEN_POLL_SECONDS. The URL, if set, is the
    # direct connection it listens on (LISTEN does not pass through a pooler in transaction mode).
    "TOKEN_CACHE_LISTEN": True,
    "TOKEN_CACHE_LISTEN_POLL_SECONDS": 5.0,
    "TOKEN_CACHE_LISTEN_DATABASE_URL": "",
    # token_cache: how long, and how many, checksums of unknown tokens each process remembers refusing.
    "TOKEN_CACHE_REFUSED_SECONDS": 0.5,
    "TOKEN_CACHE_REFUSED_MAX_ENTRIES": 10000,
    # provider.jwt_access_tokens: the ``aud`` of a JWT access token requested without an RFC 8707 resource
    # (empty: this provider's own API, <origin>/api/), and the longest lifetime an admin may give a JWT client.
    "JWT_ACCESS_TOKEN_AUDIENCE": "",
    "JWT_ACCESS_TOKEN_MAX_SECONDS": 3600,
    # provider.pushed_authorization (RFC 9126): how long a pushed request_uri waits for the browser, and
    # whether every client must push its authorization requests (each client can also be required to).
    "PUSHED_AUTHORIZATION_REQUEST_SECONDS": 60,
    "REQUIRE_PUSHED_AUTHORIZATION_REQUESTS": False,
    # provider.dpop (RFC 9449 §8, §9): every DPoP proof must carry a fresh server nonce.
    "DPOP_NONCE_REQUIRED": False,
    # provider.client_assertions: the longest lifetime (exp - now, exp - iat) a client assertion may have.
    "CLIENT_ASSERTION_MAX_SECONDS": 300,
    # provider.client_jwks: development only: fetch a client's jwks_uri over http / from a non-public address.
    "CLIENT_JWKS_URI_ALLOW_HTTP": False,
    "CLIENT_JWKS_URI_ALLOW_PRIVATE_ADDRESSES": False,
    # config.database_outage: Retry-After while the database is unreachable, and while it is busy (locks).
    "DATABASE_OUTAGE_RETRY_AFTER_SECONDS": 5,
    "DATABASE_BUSY_RETRY_AFTER_SECONDS": 1,
    # observability: the bearer token a Prometheus scraper sends to /metrics (empty: no metrics, /metrics is 404),
    # and where prometheus_client keeps each worker process's values (empty: one process).
    "METRICS_BEARER_TOKEN": "",
    "METRICS_MULTIPROCESS_DIR": "",
}


class IdpSettings:
    """``settings.IDP`` over ``DEFAULTS``, read as attributes and cached until ``IDP`` changes."""

    def __init__(self, defaults: dict[str, Any] | None = None):
        self.defaults = DEFAULTS if defaults is None else defaults
        self._cached: set[str] = set()

    @property
    def user_settings(self) -> dict[str, Any]:
        return getattr(settings, "IDP", {})

    def unknown_keys(self) -> list[str]:
        """Keys in ``settings.IDP`` that no part of the project reads (for provider.checks)."""
        return sorted(set(self.user_settings) - set(self.defaults))

    def __getattr__(self, name: str) -> Any:
        if name not in self.defaults:
            raise AttributeError(f"Invalid IDP setting: {name!r}")
        value = self.user_settings.get(name, self.defaults[name])
        # Kept as an instance attribute: later reads never reach __getattr__ again.
        setattr(self, name, value)
        self._cached.add(name)
        return value

    def reload(self) -> None:
        """Forget every value read, so the next read sees the current ``settings.IDP``."""
        for name in self._cached:
            delattr(self, name)
        self._cached.clear()


idp_settings = IdpSettings()


@receiver(setting_changed, dispatch_uid="idp.settings.reload")
def _reload_idp_settings(*, setting: str, **kwargs) -> None:
    if setting == "IDP":
        idp_settings.reload()
