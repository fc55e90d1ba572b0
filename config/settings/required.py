"""Production's required environment: every variable is checked, and start-up stops once, listing them all.

django-environ raises at the first variable missing, so an operator learned of one problem per restart, at
the bottom of a 60-line traceback. Production settings read each required variable through
``RequiredEnvironment`` instead: it notes what is missing or unusable, hands back a harmless placeholder so
the settings can carry on, and ``stop_if_any()`` at the end raises one ``UnusableEnvironment`` naming every
problem with a hint. manage.py and the WSGI/ASGI entry points print that message alone and exit with status 1.

Part of the settings, so it may read the environment (through the settings' ``env``); no other module does.
"""

from dataclasses import dataclass
from urllib.parse import urlsplit

import environ
from django.core.exceptions import ImproperlyConfigured

from config.signing_keys import PEM_BEGIN, rsa_private_key_problem, split_pems

POSTGRESQL_ENGINES = {"django.db.backends.postgresql", "django.contrib.gis.db.backends.postgis"}
REDIS_SCHEMES = {"redis", "rediss", "unix"}


class UnusableEnvironment(ImproperlyConfigured):
    """Variables production needs are missing or unusable; the message lists each with a hint, and nothing else."""


@dataclass(frozen=True, slots=True)
class Problem:
    """One variable that stops start-up: its name, what is wrong (never its value: it may be a secret), a hint."""

    variable: str
    wrong: str
    hint: str

    def __str__(self) -> str:
        return f"  {self.variable} {self.wrong}.\n      {self.hint}"


class RequiredEnvironment:
    """Reads production's variables, collecting every problem instead of stopping at the first."""

    def __init__(self, env: environ.Env) -> None:
        self._env = env
        self.problems: list[Problem] = []

    def _raw(self, name: str) -> str:
        return self._env.str(name, default="").strip()

    def _missing(self, name: str, hint: str) -> bool:
        if self._raw(name):
            return False
        self.problems.append(Problem(name, "is not set", hint))
        return True

    def refuse(self, name: str, wrong: str, *, hint: str) -> None:
        """Note a variable that is set but unusable for a reason the settings found themselves."""
        self.problems.append(Problem(name, wrong, hint))

    def text(self, name: str, *, hint: str) -> str:
        """A value that must be set."""
        return "" if self._missing(name, hint) else self._raw(name)

    def text_list(self, name: str, *, hint: str) -> list[str]:
        """A comma-separated list that must name at least one item."""
        return [] if self._missing(name, hint) else self._env.list(name)

    def postgresql_database(self, name: str, *, hint: str) -> dict:
        """A database URL that names a PostgreSQL server (no SQLite fallback in production)."""
        if self._missing(name, hint):
            return {}
        config = environ.Env.db_url_config(self._raw(name))
        if config.get("ENGINE") not in POSTGRESQL_ENGINES:
            # Only the scheme is shown: the rest of the URL may hold the database password.
            scheme = urlsplit(self._raw(name)).scheme or "no scheme"
            self.problems.append(Problem(name, f"is not a PostgreSQL URL ({scheme})", hint))
        return config

    def https_origin(self, name: str, *, hint: str) -> str:
        """An https:// origin, returned without a trailing slash (OIDC Discovery §3: the issuer is https)."""
        if self._missing(name, hint):
            return ""
        origin = self._raw(name).rstrip("/")
        parts = urlsplit(origin)
        if parts.scheme != "https" or not parts.netloc:
            self.problems.append(Problem(name, f"must be the provider's https:// origin, not {origin!r}", hint))
        return origin

    def optional_redis_url(self, name: str, *, hint: str) -> str:
        """A Redis URL, or empty when the variable is unset (the caches then use the database)."""
        url = self._raw(name)
        if url and urlsplit(url).scheme not in REDIS_SCHEMES:
            scheme = urlsplit(url).scheme or "no scheme"
            self.problems.append(Problem(name, f"is not a redis://, rediss:// or unix:// URL ({scheme})", hint))
        return url

    def rsa_private_key(self, name: str, *, hint: str) -> str:
        """An unencrypted RSA private key of at least 2048 bits, as PEM text."""
        if self._missing(name, hint):
            return ""
        pem = self._raw(name) + "\n"
        problem = rsa_private_key_problem(pem)
        if problem is not None:
            self.problems.append(Problem(name, problem, hint))
        return pem

    def optional_rsa_private_keys(self, name: str, *, hint: str) -> list[str]:
        """Zero or more concatenated PEM blocks, each held to the same rules as the signing key."""
        text = self._raw(name)
        pems = split_pems(text)
        if text and not pems:
            self.problems.append(Problem(name, f"holds no PEM block (no {PEM_BEGIN!r} line)", hint))
        for number, pem in enumerate(pems, start=1):
            problem = rsa_private_key_problem(pem)
            if problem is not None:
                which = f"(key {number} of {len(pems)})" if len(pems) > 1 else ""
                self.problems.append(Problem(f"{name} {which}".strip(), problem, hint))
        return pems

    def stop_if_any(self, *, settings_module: str) -> None:
        """Raise one UnusableEnvironment listing every problem found, if any."""
        if not self.problems:
            return
        count = len(self.problems)
        lines = [
            f"{settings_module} cannot start: {count} environment variable{'s' if count > 1 else ''} to set or fix.",
            *(str(problem) for problem in self.problems),
            "Every variable is described in docs/settings.md and .env.example; signing keys in docs/key-rotation.md.",
        ]
        raise UnusableEnvironment("\n".join(lines))
