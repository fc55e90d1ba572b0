"""Rotating the ID token signing key (docs/key-rotation.md): the steps left from where the settings stand, and a check.

The keys come from the environment (OIDC_RSA_PRIVATE_KEY signs, OIDC_RSA_PRIVATE_KEYS_INACTIVE are only
published), which no command can change: ``rotation_steps`` says what each variable must hold at each step,
and ``published_keys_check`` verifies what these settings publish.

The provider does not record which key signed an ID token (DOT's IDToken row keeps its jti and expiry, not
the ``kid``), so the check bounds what it cannot know from the database: no ID token alive now outlives the
latest expiry among them, so a retired key dropped after that leaves no ID token unverifiable.

The same key signs JWT access tokens (provider.jwt_access_tokens), which resource servers verify offline
against JWKS: a retired key stays published for the longer of the two lifetimes, and the check counts the
live access tokens of JWT clients as it counts ID tokens.
"""

import json
import shlex
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from cryptography.hazmat.primitives import serialization
from django.db.models import Count, Max
from django.http import HttpRequest
from django.urls import resolve, reverse
from django.utils import timezone
from jwcrypto import jwk
from oauth2_provider.models import get_access_token_model, get_id_token_model
from oauth2_provider.settings import oauth2_settings

from clients.models import AccessTokenFormat
from config.signing_keys import rsa_private_key_problem, split_pems
from idp.settings import idp_settings

ACTIVE = "OIDC_RSA_PRIVATE_KEY"
INACTIVE = "OIDC_RSA_PRIVATE_KEYS_INACTIVE"
# docs/key-rotation.md step 2: "plus a few minutes of clock skew" between the provider and relying parties.
CLOCK_SKEW = timedelta(minutes=5)


@dataclass(frozen=True, slots=True)
class SigningKey:
    """One configured or new key: its ``kid`` as JWKS publishes it, and where an operator finds its PEM."""

    pem: str
    source: str
    # How a POSIX shell that has the deployment's environment produces this PEM; None when it cannot.
    shell_expression: str | None = None
    kid: str = "?"
    bits: int = 0
    problem: str | None = None

    @classmethod
    def of(cls, pem: str, *, source: str, shell_expression: str | None = None) -> "SigningKey":
        problem = rsa_private_key_problem(pem)
        if problem is not None:
            return cls(pem, source, shell_expression, problem=problem)
        bits = serialization.load_pem_private_key(pem.encode(), password=None).key_size
        # The RFC 7638 thumbprint: DOT's JWKS view and every ID token's header name the key by it.
        kid = jwk.JWK.from_pem(pem.encode()).thumbprint()
        return cls(pem, source, shell_expression, kid=kid, bits=bits)

    def same_key(self, other: "SigningKey") -> bool:
        return self.problem is None and other.problem is None and self.kid == other.kid


def configured_keys() -> tuple[SigningKey, list[SigningKey]]:
    """The signing key and the published-only keys of these settings."""
    active = SigningKey.of(
        oauth2_settings.OIDC_RSA_PRIVATE_KEY, source=f"the key {ACTIVE} holds now", shell_expression=f"${ACTIVE}"
    )
    pems = list(oauth2_settings.OIDC_RSA_PRIVATE_KEYS_INACTIVE)
    inactive = [
        SigningKey.of(pem, source=f"key {number} of {len(pems)} now in {INACTIVE}")
        for number, pem in enumerate(pems, start=1)
    ]
    return active, inactive


def key_from_file(path: str) -> SigningKey:
    """The key in the PEM file at ``path`` (its first PEM block)."""
    with open(path) as handle:
        pems = split_pems(handle.read())
    return SigningKey.of(pems[0] if pems else "", source=path, shell_expression=f"$(cat {shlex.quote(path)})")


@dataclass(frozen=True, slots=True)
class Step:
    """One deploy of the rotation: what each variable holds, and how long to wait before the next step."""

    number: int
    title: str
    active: SigningKey
    inactive: list[SigningKey]
    wait: timedelta | None = None
    wait_for: str = ""


def rotation_steps(*, new: SigningKey, compromised: bool = False) -> list[Step]:
    """The steps left to make ``new`` the signing key, from where these settings stand; the first is the next.

    Planned: publish the new key, sign with it, then drop the old one (docs/key-rotation.md). ``compromised``:
    one step, the new key alone, so tokens signed with the leaked key stop verifying at once.
    """
    if compromised:
        return [Step(1, "sign with the new key alone; the leaked key is no longer published", new, [])]
    active, inactive = configured_keys()
    drop = Step(3, "drop the old key", new, [])
    if new.same_key(active):
        return [drop] if inactive else []
    # Keys retired before this rotation stay published until step 3, like the current one.
    older = [key for key in inactive if not key.same_key(new)]
    sign = Step(
        2,
        "sign with the new key; the current one stays published",
        new,
        [active, *older],
        signed_token_lifetime() + CLOCK_SKEW,
        "the longer of ID_TOKEN_EXPIRE_SECONDS and JWT_ACCESS_TOKEN_MAX_SECONDS plus clock skew, so the ID "
        "tokens and JWT access tokens the old key signed have expired",
    )
    if any(key.same_key(new) for key in inactive):
        return [sign, drop]
    publish = Step(
        1,
        "publish the new key; the current one still signs",
        active,
        [*older, new],
        # A cache may serve the key set fresh for max-age, then stale for as long again (stale-while-revalidate).
        timedelta(seconds=2 * oauth2_settings.OIDC_JWKS_MAX_AGE_SECONDS),
        "2 x OIDC_JWKS_MAX_AGE_SECONDS, so every relying party's cached key set has the new key",
    )
    return [publish, sign, drop]


def signed_token_lifetime() -> timedelta:
    """The longest a token signed with the signing key lives: an ID token, or a JWT access token."""
    return timedelta(seconds=max(oauth2_settings.ID_TOKEN_EXPIRE_SECONDS, idp_settings.JWT_ACCESS_TOKEN_MAX_SECONDS))


def shell_value(keys: list[SigningKey]) -> str | None:
    """A quoted shell word holding the concatenated PEMs of ``keys``; None if one of them has no expression."""
    if any(key.shell_expression is None for key in keys):
        return None
    return '"' + "".join(key.shell_expression or "" for key in keys) + '"'


@dataclass(slots=True)
class KeysCheck:
    """What ``published_keys_check`` found: problems (none: the check passed) and the facts behind them."""

    active: SigningKey
    inactive: list[SigningKey]
    published_kids: list[str]
    live_id_tokens: int
    last_id_token_expires: datetime | None
    problems: list[str] = field(default_factory=list)
    # Access tokens of JWT clients (an opaque one issued before its client was switched counts too: a bound).
    live_jwt_access_tokens: int = 0
    last_jwt_access_token_expires: datetime | None = None


def _published_kids() -> list[str]:
    """The ``kid``s of the JWKS document the provider serves with these settings, in order, from its own view."""
    path = reverse("oauth2_provider:jwks-info")
    request = HttpRequest()
    request.method, request.path = "GET", path
    response = resolve(path).func(request)
    return [key["kid"] for key in json.loads(response.content)["keys"]]


def published_keys_check() -> KeysCheck:
    """Check the configured keys, that JWKS lists each (the signing key first), and count the ID tokens alive."""
    active, inactive = configured_keys()
    live = (
        get_id_token_model()
        .objects.filter(expires__gt=timezone.now())
        .aggregate(count=Count("pk"), last=Max("expires"))
    )
    check = KeysCheck(active, inactive, [], live["count"], live["last"])
    live_jwts = (
        get_access_token_model()
        .objects.filter(expires__gt=timezone.now(), application__access_token_format=AccessTokenFormat.JWT)
        .aggregate(count=Count("pk"), last=Max("expires"))
    )
    check.live_jwt_access_tokens, check.last_jwt_access_token_expires = live_jwts["count"], live_jwts["last"]
    if active.problem:
        check.problems.append(f"{ACTIVE} {active.problem}.")
    check.problems += [f"{INACTIVE}: {key.source} {key.problem}." for key in inactive if key.problem]
    if check.problems:
        return check
    check.published_kids = _published_kids()
    if check.published_kids[:1] != [active.kid]:
        check.problems.append(f"The JWKS document does not list the signing key ({active.kid}) first.")
    check.problems += [
        f"The JWKS document does not list {key.source} ({key.kid})."
        for key in inactive
        if key.kid not in check.published_kids
    ]
    configured = [active.kid, *(key.kid for key in inactive)]
    twice = sorted({kid for kid in configured if configured.count(kid) > 1})
    if twice:
        # RFC 7517 §4.5: kids should tell keys apart; some relying parties refuse a set that repeats one.
        check.problems.append(f"A key is configured twice (kid {', '.join(twice)}); list each key once.")
    return check
