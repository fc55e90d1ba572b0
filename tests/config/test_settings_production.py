"""Production settings start only with every secret from the environment, and pass Django's deploy checks."""

import os
import subprocess
import sys

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from django.conf import settings

# Each case starts a fresh interpreter with Django (a second or two apiece), so the list stays short.


def pem_of(key) -> str:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


def encrypted_pem_of(key) -> str:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(b"a passphrase the process never has"),
    ).decode()


@pytest.fixture(scope="module")
def production_env() -> dict[str, str]:
    """The environment a production deployment provides, and nothing else (no developer .env, no DEBUG)."""
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": "x7" * 30 + "-production-like-secret-for-the-deploy-check",
        "DJANGO_ALLOWED_HOSTS": "idp.example.test",
        # check --deploy never connects; an unreachable server proves it.
        "DATABASE_URL": "postgres://idp@127.0.0.1:9/idp",
        "PROVIDER_URL": "https://idp.example.test",
        # TLS ends at one reverse proxy (production.py trusts its X-Forwarded-Proto), as docs/deployment.md says.
        "CLIENT_IP_TRUSTED_PROXIES": "1",
        "OIDC_RSA_PRIVATE_KEY": settings.OAUTH2_PROVIDER["OIDC_RSA_PRIVATE_KEY"],
        "EMAIL_URL": "smtp+tls://idp:mail-password@smtp.example.test:587",
        "DJANGO_DEFAULT_FROM_EMAIL": "Django IdP <noreply@idp.example.test>",
    }


def manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 - our own manage.py with fixed arguments
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_deploy_passes_with_no_warnings(production_env):
    result = manage(production_env, "check", "--deploy", "--fail-level", "WARNING")

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNINGS" not in result.stdout + result.stderr


def test_check_deploy_warns_when_the_proxy_hops_are_left_at_zero(production_env):
    result = manage({**production_env, "CLIENT_IP_TRUSTED_PROXIES": "0"}, "check", "--deploy")

    assert "provider.W002" in result.stdout + result.stderr


@pytest.mark.parametrize(
    "missing",
    [
        "DJANGO_SECRET_KEY",
        "DJANGO_ALLOWED_HOSTS",
        "OIDC_RSA_PRIVATE_KEY",
        "PROVIDER_URL",
        "DATABASE_URL",
        "EMAIL_URL",
        "DJANGO_DEFAULT_FROM_EMAIL",
    ],
)
def test_start_up_stops_without_a_required_variable(production_env, missing):
    env = {name: value for name, value in production_env.items() if name != missing}

    result = manage(env, "check")

    assert result.returncode == 1
    assert f"  {missing} is not set.\n" in result.stderr


def test_every_problem_is_listed_at_once_in_a_short_message_without_a_traceback(production_env):
    env = {
        "PATH": production_env["PATH"],
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DATABASE_URL": "sqlite:///db.sqlite3",
        "PROVIDER_URL": "http://idp.example.test",
        "OIDC_RSA_PRIVATE_KEYS_INACTIVE": "-----BEGIN PRIVATE KEY-----\nnope\n",
        "REDIS_URL": "http://cache.example.test",
    }

    result = manage(env, "check", "--deploy")

    assert result.returncode == 1
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert lines[0] == "config.settings.production cannot start: 9 environment variables to set or fix."
    problems = [line.strip() for line in lines if line.startswith("  ") and not line.startswith("    ")]
    assert problems == [
        "DJANGO_SECRET_KEY is not set.",
        "DJANGO_ALLOWED_HOSTS is not set.",
        "DATABASE_URL is not a PostgreSQL URL (sqlite).",
        "EMAIL_URL is not set.",
        "DJANGO_DEFAULT_FROM_EMAIL is not set.",
        "PROVIDER_URL must be the provider's https:// origin, not 'http://idp.example.test'.",
        "OIDC_RSA_PRIVATE_KEY is not set.",
        "OIDC_RSA_PRIVATE_KEYS_INACTIVE is not an unencrypted PEM private key.",
        "REDIS_URL is not a redis://, rediss:// or unix:// URL (http).",
    ]
    # One hint under each problem, a closing line, and nothing else: no traceback.
    assert len(lines) == 1 + 2 * len(problems) + 1
    assert "Traceback" not in result.stderr


def test_a_database_password_is_never_shown(production_env):
    result = manage({**production_env, "DATABASE_URL": "mysql://idp:hunter2-db-password@db.internal/idp"}, "check")

    assert "DATABASE_URL is not a PostgreSQL URL (mysql)." in result.stderr
    assert "hunter2" not in result.stdout + result.stderr


@pytest.mark.parametrize(
    ("pem", "message"),
    [
        ("not a key at all", "is not an unencrypted PEM private key"),
        (pem_of(ec.generate_private_key(ec.SECP256R1())), "must be an RSA private key"),
        # The point of this case is a key too short to accept.
        (
            pem_of(rsa.generate_private_key(public_exponent=65537, key_size=1024)),  # noqa: S505
            "is a 1024-bit RSA key; use at least 2048 bits",
        ),
        (
            encrypted_pem_of(rsa.generate_private_key(public_exponent=65537, key_size=2048)),
            "is an encrypted private key",
        ),
    ],
    ids=["garbage", "ec-key", "short-rsa-key", "encrypted-key"],
)
def test_start_up_stops_with_an_unusable_signing_key(production_env, pem, message):
    result = manage({**production_env, "OIDC_RSA_PRIVATE_KEY": pem}, "check")

    assert result.returncode == 1
    assert f"OIDC_RSA_PRIVATE_KEY {message}" in result.stderr


def test_start_up_stops_with_an_unusable_inactive_key(production_env):
    result = manage(
        {**production_env, "OIDC_RSA_PRIVATE_KEYS_INACTIVE": "-----BEGIN PRIVATE KEY-----\nnope\n"}, "check"
    )

    assert result.returncode == 1
    assert "OIDC_RSA_PRIVATE_KEYS_INACTIVE is not an unencrypted PEM private key" in result.stderr


def test_start_up_stops_when_the_issuer_is_not_https(production_env):
    result = manage({**production_env, "PROVIDER_URL": "http://idp.example.test"}, "check")

    assert result.returncode == 1
    assert "PROVIDER_URL must be the provider's https:// origin" in result.stderr


@pytest.mark.parametrize(
    ("email_url", "message"),
    [
        ("smtp://idp:mail-password@smtp.example.test:587", "EMAIL_URL has a password but no TLS"),
        # What one might guess from other URL formats: django-environ would ignore it and TLS stay off.
        ("smtp://idp:mail-password@smtp.example.test:587/?tls=True", "EMAIL_URL: unknown option(s) TLS"),
        ("", "EMAIL_URL is not set."),
    ],
    ids=["password-in-clear", "unknown-option", "empty"],
)
def test_start_up_stops_with_an_unsafe_or_empty_mail_url(production_env, email_url, message):
    result = manage({**production_env, "EMAIL_URL": email_url}, "check")

    assert result.returncode != 0
    assert message in result.stderr


def test_a_mail_server_on_the_same_machine_needs_no_password_or_tls(production_env):
    result = manage({**production_env, "EMAIL_URL": "smtp://127.0.0.1:25"}, "check", "--deploy")

    assert result.returncode == 0, result.stderr
