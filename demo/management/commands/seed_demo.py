"""Create (or refresh) the demo admin, users and one client of each kind, and print their credentials."""

import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from joserfc.jwk import KeySet, RSAKey
from oauth2_provider.generators import generate_client_secret

from accounts.models import User
from clients.models import AccessTokenFormat, Application, GrantType, TokenEndpointAuthMethod

DEMO_USERS = [
    # username, password, first, last, email, staff
    ("admin", "admin-demo-password", "Ada", "Admin", "admin@example.test", True),
    ("alice", "alice-demo-password", "Alice", "Liddell", "alice@example.test", False),
    ("bob", "bob-demo-password", "Bob", "Builder", "bob@example.test", False),
]

ALL_USER_SCOPES = [
    "openid",
    "profile",
    "email",
    "profile:write",
    "notes:read",
    "notes:write",
    "notes:archive",
    "notes:share",
    "authorizations:read",
    "authorizations:write",
]


def machine_client(client_id: str, name: str, **extra) -> dict:
    """A confidential client-credentials client reading the user directory; ``extra`` sets what makes it differ."""
    return {
        "client_id": client_id,
        "name": name,
        "client_type": Application.CLIENT_CONFIDENTIAL,
        "grant_types": [GrantType.CLIENT_CREDENTIALS],
        "allowed_scopes": ["users:read"],
        "redirect_uris": "",
        "post_logout_redirect_uris": "",
        "algorithm": "",
        **extra,
    }


def demo_clients(provider_url: str, client_url: str) -> list[dict]:
    """The demo clients: one of each kind, and machine clients for JWT tokens, signed-JWT authentication and DPoP."""
    return [
        {
            "client_id": "demo-web",
            "name": "Demo web client",
            "client_type": Application.CLIENT_CONFIDENTIAL,
            "grant_types": [GrantType.AUTHORIZATION_CODE, GrantType.REFRESH_TOKEN],
            "allowed_scopes": ALL_USER_SCOPES,
            "redirect_uris": f"{client_url}/callback",
            "post_logout_redirect_uris": f"{client_url}/",
            "backchannel_logout_uri": f"{client_url}/backchannel-logout",
            "backchannel_logout_session_required": True,
            "algorithm": Application.RS256_ALGORITHM,
        },
        {
            "client_id": "demo-spa",
            "name": "Demo public app (PKCE)",
            "client_type": Application.CLIENT_PUBLIC,
            "grant_types": [GrantType.AUTHORIZATION_CODE, GrantType.REFRESH_TOKEN],
            "allowed_scopes": ALL_USER_SCOPES,
            "redirect_uris": f"http://127.0.0.1:8765/callback {provider_url}/api/docs/oauth2-redirect.html",
            "post_logout_redirect_uris": "",
            "algorithm": Application.RS256_ALGORITHM,
        },
        machine_client("demo-machine", "Demo machine client"),
        # RFC 9068: its tokens are verified offline (docs/jwt-access-tokens.md, demo/resource_service).
        machine_client(
            "demo-machine-jwt",
            "Demo machine client (JWT access tokens)",
            allowed_scopes=["users:read", "notes:read"],
            access_token_format=AccessTokenFormat.JWT,
            jwt_access_token_lifetime=300,
        ),
        # private_key_jwt (RFC 7523): signs a short JWT with a key pair seed_demo generates into .keys/.
        machine_client(
            "demo-machine-keys",
            "Demo machine client (private_key_jwt)",
            token_endpoint_auth_method=TokenEndpointAuthMethod.PRIVATE_KEY_JWT,
        ),
        # client_secret_jwt: an HMAC JWT keyed with its secret, which is then also kept encrypted.
        machine_client(
            "demo-machine-hmac",
            "Demo machine client (client_secret_jwt)",
            token_endpoint_auth_method=TokenEndpointAuthMethod.CLIENT_SECRET_JWT,
        ),
        # DPoP (RFC 9449): every token request must carry a proof; its access tokens are bound to the key.
        machine_client("demo-machine-dpop", "Demo machine client (DPoP-bound tokens)", dpop_bound_access_tokens=True),
        {
            "client_id": "demo-device",
            "name": "Demo TV app (device flow)",
            "client_type": Application.CLIENT_PUBLIC,
            "grant_types": [GrantType.DEVICE_CODE, GrantType.REFRESH_TOKEN],
            "allowed_scopes": ["openid", "profile", "notes:read"],
            "redirect_uris": "",
            "post_logout_redirect_uris": "",
            "algorithm": Application.RS256_ALGORITHM,
        },
    ]


class Command(BaseCommand):
    """Idempotent: running it again resets the demo passwords and keeps the generated client secrets."""

    help = "Create the demo admin, users and clients (development only) and print their credentials."

    def add_arguments(self, parser):
        parser.add_argument("--provider-url", default="http://127.0.0.1:8000")
        parser.add_argument("--client-url", default="http://localhost:8001")
        parser.add_argument(
            "--credentials-file",
            type=Path,
            default=None,
            help="where to keep the generated client secrets (default: .keys/demo-credentials.json)",
        )

    @transaction.atomic
    def handle(self, *args, provider_url: str, client_url: str, credentials_file: Path | None, **options):
        if not settings.DEBUG:
            # Known passwords must never reach a real deployment.
            raise CommandError("seed_demo only runs with DEBUG on (development settings).")
        path = credentials_file or settings.DEMO_CREDENTIALS_FILE
        saved = json.loads(path.read_text()) if path.exists() else {}
        secrets = saved.get("client_secrets", {})
        # Private JWKs of the private_key_jwt clients: generated once, kept beside the secrets (never committed).
        client_keys = saved.get("client_keys", {})

        for username, password, first, last, email, staff in DEMO_USERS:
            # Created with its address: User.save() clears email_verified when an existing row's address changes.
            user, _ = User.objects.get_or_create(username=username, defaults={"email": email})
            user.first_name, user.last_name, user.email = first, last, email
            user.email_verified = True
            user.is_staff = user.is_superuser = staff
            user.is_active = True
            user.set_password(password)
            user.save()

        for spec in demo_clients(provider_url.rstrip("/"), client_url.rstrip("/")):
            app = Application.objects.filter(client_id=spec["client_id"]).first() or Application(
                client_id=spec["client_id"]
            )
            for field, value in spec.items():
                setattr(app, field, value)
            if app.token_endpoint_auth_method == TokenEndpointAuthMethod.PRIVATE_KEY_JWT:
                if app.client_id not in client_keys:
                    key = RSAKey.generate_key(2048, parameters={"kid": f"{app.client_id}-1"})
                    client_keys[app.client_id] = key.as_dict(private=True)
                app.jwks = KeySet([RSAKey.import_key(client_keys[app.client_id])]).as_dict(private=False)
            if app.client_type == Application.CLIENT_CONFIDENTIAL:
                secrets.setdefault(app.client_id, generate_client_secret())
                app.client_secret = secrets[app.client_id]
            else:
                app.client_secret = ""
            app.skip_authorization = False
            app.full_clean(exclude=["client_secret"])
            app.save()

        credentials = {
            "provider_url": provider_url,
            "client_url": client_url,
            "users": {u[0]: u[1] for u in DEMO_USERS},
            "client_secrets": secrets,
            "client_keys": client_keys,
        }
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        path.write_text(json.dumps(credentials, indent=2))
        path.chmod(0o600)
        self._print(credentials, path)

    def _print(self, credentials: dict, path: Path) -> None:
        out = self.stdout.write
        out(
            self.style.SUCCESS(
                f"Provider:  {credentials['provider_url']}/   (admin: {credentials['provider_url']}/admin/)"
            )
        )
        out(f"Web client: {credentials['client_url']}/")
        out("Users (username / password):")
        for username, password in credentials["users"].items():
            out(f"  {username:<6} / {password}")
        out("Clients (client_id / secret):")
        for client_id in ("demo-web", "demo-spa", "demo-machine", "demo-device"):
            out(f"  {client_id:<13} / {credentials['client_secrets'].get(client_id, '(public client: no secret)')}")
        out("  demo-machine-jwt, demo-machine-keys (private_key_jwt), demo-machine-hmac (client_secret_jwt),")
        out("  demo-machine-dpop (DPoP-bound tokens):")
        out("    their secrets and the private key are in the file below")
        shown = path.relative_to(settings.BASE_DIR) if path.is_relative_to(settings.BASE_DIR) else path
        out(f"(saved to {shown}; .keys/ is git-ignored)")
