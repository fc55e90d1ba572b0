"""Bench data written straight through the ORM: clients per profile, and pools of one-shot credentials."""

import base64
import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth.hashers import make_password
from django.utils import timezone
from oauth2_provider.generators import generate_client_secret
from oauth2_provider.models import get_access_token_model, get_grant_model, get_refresh_token_model, set_token_value

from accounts.models import User
from clients.models import AccessTokenFormat, Application, GrantType
from tokens.models import TokenFamily

REDIRECT_URI = "https://bench.example.test/callback"
USER_SCOPE = "openid profile"
# Pre-minted credentials must outlive the whole run (codes normally live 60 s).
LIFETIME = timedelta(hours=2)
BATCH = 2000

# The hasher each profile's clients were registered with: ours, or DOT's default (Django's PBKDF2).
SECRET_HASHERS = {"tuned": "client_secret_sha256", "baseline": "pbkdf2_sha256"}


@dataclass
class ProfileClients:
    """The clients one server profile authenticates, all sharing one secret."""

    web: Application
    machine: Application
    resource_server: Application
    secret: str
    jwt_web: Application | None = None

    def basic(self, app: Application) -> str:
        """The HTTP Basic Authorization header value for ``app``."""
        return "Basic " + base64.b64encode(f"{app.client_id}:{self.secret}".encode()).decode()


def bench_user() -> User:
    """The resource owner of every user token in the run."""
    user, _ = User.objects.get_or_create(
        username="bench-user",
        defaults={"first_name": "Bench", "last_name": "User", "email": "bench@example.test", "email_verified": True},
    )
    return user


def _confidential_client(*, client_id: str, name: str, hashed_secret: str, **fields) -> Application:
    """A confidential client with ``hashed_secret``, created or reset to ``fields`` (machine clients by default)."""
    defaults = {
        "name": name,
        "client_type": Application.CLIENT_CONFIDENTIAL,
        "client_secret": hashed_secret,
        "redirect_uris": "",
        "algorithm": "",
        **fields,
    }
    client, _ = Application.objects.update_or_create(client_id=client_id, defaults=defaults)
    return client


def create_clients(profile: str) -> ProfileClients:
    """A code+refresh web client, a client-credentials machine client and a resource server for ``profile``."""
    secret = generate_client_secret()
    hashed = make_password(secret, hasher=SECRET_HASHERS[profile])
    web = _confidential_client(
        client_id=f"bench-web-{profile}",
        name=f"Bench web ({profile})",
        hashed_secret=hashed,
        grant_types=[GrantType.AUTHORIZATION_CODE, GrantType.REFRESH_TOKEN],
        allowed_scopes=["openid", "profile", "email"],
        redirect_uris=REDIRECT_URI,
        algorithm=Application.RS256_ALGORITHM,
    )
    machine = _confidential_client(
        client_id=f"bench-machine-{profile}",
        name=f"Bench machine ({profile})",
        hashed_secret=hashed,
        grant_types=[GrantType.CLIENT_CREDENTIALS],
        allowed_scopes=["users:read"],
    )
    # Introspection is only for resource servers: confidential clients allowed the introspection scope.
    resource_server = _confidential_client(
        client_id=f"bench-rs-{profile}",
        name=f"Bench resource server ({profile})",
        hashed_secret=hashed,
        grant_types=[GrantType.CLIENT_CREDENTIALS],
        allowed_scopes=["introspection"],
    )
    jwt_web = _confidential_client(
        client_id=f"bench-jwt-web-{profile}",
        name=f"Bench web, JWT access tokens ({profile})",
        hashed_secret=hashed,
        grant_types=[GrantType.AUTHORIZATION_CODE, GrantType.REFRESH_TOKEN],
        allowed_scopes=["openid", "profile", "email"],
        redirect_uris=REDIRECT_URI,
        algorithm=Application.RS256_ALGORITHM,
        access_token_format=AccessTokenFormat.JWT,
    )
    return ProfileClients(web=web, machine=machine, resource_server=resource_server, secret=secret, jwt_web=jwt_web)


def mint_access_tokens(*, app: Application, user: User | None, count: int, scope: str = USER_SCOPE) -> list[str]:
    """``count`` live access tokens stored hashed, as the provider stores them; returns the raw values."""
    AccessToken = get_access_token_model()
    expires = timezone.now() + LIFETIME
    raws = [secrets.token_urlsafe(24) for _ in range(count)]
    rows = []
    for raw in raws:
        token = AccessToken(user=user, application=app, scope=scope, expires=expires)
        set_token_value(token, raw)
        rows.append(token)
    AccessToken.objects.bulk_create(rows, batch_size=BATCH)
    return raws


def mint_jwt_access_token(*, app: Application, user: User, issuer: str, scope: str = USER_SCOPE) -> str:
    """A live JWT access token of ``app`` for ``user``, signed and stored as the provider issues one.

    It lives as long as the run (LIFETIME), beyond the client's own lifetime: bench data, not an issuance.
    """
    from provider.jwt_access_tokens import default_audience, jwt_access_token_sign

    now = timezone.now()
    claims = {
        "iss": issuer,
        "exp": int((now + LIFETIME).timestamp()),
        "iat": int(now.timestamp()),
        "aud": default_audience(issuer=issuer),
        "sub": str(user.pk),
        "client_id": app.client_id,
        "jti": secrets.token_urlsafe(18),
        "scope": scope,
    }
    raw = jwt_access_token_sign(claims)
    token = get_access_token_model()(user=user, application=app, scope=scope, expires=now + LIFETIME)
    set_token_value(token, raw)
    token.save()
    return raw


def mint_refresh_tokens(*, app: Application, user: User, count: int) -> list[str]:
    """``count`` refresh tokens, each paired with its live access token; returns the raw refresh tokens."""
    AccessToken = get_access_token_model()
    RefreshToken = get_refresh_token_model()
    expires = timezone.now() + LIFETIME
    access_rows = []
    for _ in range(count):
        token = AccessToken(user=user, application=app, scope=USER_SCOPE, expires=expires)
        set_token_value(token, secrets.token_urlsafe(24))
        access_rows.append(token)
    access_rows = AccessToken.objects.bulk_create(access_rows, batch_size=BATCH)
    raws = [secrets.token_urlsafe(24) for _ in range(count)]
    refresh_rows = []
    for raw, access in zip(raws, access_rows, strict=True):
        token = RefreshToken(user=user, application=app, access_token=access, token_family=uuid.uuid4())
        set_token_value(token, raw)
        refresh_rows.append(token)
    RefreshToken.objects.bulk_create(refresh_rows, batch_size=BATCH)
    # Each pair starts a chain, as a code exchange would have recorded it (tokens.issuance.record_family),
    # so a refresh reads the chain's start with the token rather than falling back to the oldest row.
    TokenFamily.objects.bulk_create(
        [
            TokenFamily(
                id=refresh.token_family,
                application=app,
                user=user,
                grant_type="authorization_code",
                first_access_token=access,
            )
            for refresh, access in zip(refresh_rows, access_rows, strict=True)
        ],
        batch_size=BATCH,
    )
    return raws


def mint_codes(*, app: Application, user: User, count: int) -> list[tuple[str, str]]:
    """``count`` authorization codes with S256 PKCE challenges; returns (code, code_verifier) pairs."""
    Grant = get_grant_model()
    expires = timezone.now() + LIFETIME
    pairs = []
    rows = []
    for _ in range(count):
        code = secrets.token_urlsafe(24)
        verifier = secrets.token_urlsafe(48)
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
        pairs.append((code, verifier))
        rows.append(
            Grant(
                application=app,
                user=user,
                code=code,
                expires=expires,
                redirect_uri=REDIRECT_URI,
                scope=USER_SCOPE,
                code_challenge=challenge,
                code_challenge_method="S256",
                claims="{}",
            )
        )
    Grant.objects.bulk_create(rows, batch_size=BATCH)
    return pairs
