"""``manage.py client create|list|disable|rotate-secret``: register and look after OAuth clients from a shell.

One command with subcommands rather than four commands: they act on the same thing, share ``--json`` and the
lookup by client_id, and ``manage.py client --help`` lists them together, as ``git remote`` does.
"""

import json
from datetime import timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from clients.kinds import CLIENT_KINDS, kind_of
from clients.models import AccessTokenFormat, Application, GrantType
from clients.secret_rotation import DEFAULT_OVERLAP, MAX_OVERLAP, SecretRotationError, client_secret_rotate
from clients.services import client_create, client_disable

# The admin form's fields, as the options that set them: a refusal then names what to change on the command line.
OPTION_OF_FIELD = {
    "name": "NAME",
    "client_type": "--kind",
    "grant_types": "--kind",
    "allowed_scopes": "--scope",
    "redirect_uris": "--redirect-uri",
    "post_logout_redirect_uris": "--post-logout-redirect-uri",
    "algorithm": "--scope (openid)",
    "__all__": "the client",
}
SHOWN_ONCE = "The secret is shown once: store it now, only its hash is kept."


def _words(values: list[str] | None) -> list[str]:
    """Repeated options, each of which may also hold several space-separated values (as OAuth writes scopes)."""
    return [word for value in values or [] for word in value.split()]


def _grant_labels(application: Application) -> str:
    return ", ".join(str(GrantType(g).label).split(" (")[0] for g in application.grant_types if g in GrantType.values)


def _described(application: Application) -> dict[str, Any]:
    """What the command says about a client: everything but its secret."""
    return {
        "client_id": application.client_id,
        "name": application.name,
        "kind": kind_of(application),
        "client_type": application.client_type,
        "grant_types": list(application.grant_types),
        "allowed_scopes": list(application.allowed_scopes),
        "redirect_uris": application.redirect_uris.split(),
        "post_logout_redirect_uris": application.post_logout_redirect_uris.split(),
        "algorithm": application.algorithm,
        "access_token_format": application.access_token_format,
        "trusted_first_party": application.skip_authorization,
        "active": application.is_active,
    }


class Command(BaseCommand):
    """Create, list, disable clients and rotate their secrets; every change is audited by the service that makes it."""

    help = (
        "Register and look after OAuth clients, as the admin does: create one of a given kind, list them, "
        "disable one (its tokens are revoked) or rotate its secret. Secrets are printed once and stored hashed. "
        "'manage.py client SUBCOMMAND --help' describes each."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        subcommands = parser.add_subparsers(
            dest="subcommand", required=True, metavar="{create,list,disable,rotate-secret}", title="subcommands"
        )
        kinds = "; ".join(f"{kind.name}: {kind.description}" for kind in CLIENT_KINDS.values())

        create = subcommands.add_parser(
            "create",
            help="register a client of a kind and print its client_id and secret (once)",
            description=(
                "Register a client, validated by the admin's own form: what the admin would refuse is refused here, "
                "with the reason. The kind sets the client type and grants; OpenID Connect clients (scope openid) "
                "sign ID tokens with RS256. A confidential client's secret is printed once and stored hashed. "
                f"Kinds: {kinds}."
            ),
        )
        create.add_argument("name", metavar="NAME", help="shown to people on the consent page")
        create.add_argument("--kind", required=True, choices=list(CLIENT_KINDS), help="what the client is (above)")
        create.add_argument(
            "--redirect-uri",
            action="append",
            metavar="URI",
            help="an exact https redirect URI (http only on a loopback host for spa-native); repeat for several",
        )
        create.add_argument(
            "--post-logout-redirect-uri",
            action="append",
            metavar="URI",
            help="where RP-initiated logout may send people back to; repeat for several",
        )
        create.add_argument(
            "--scope",
            action="append",
            metavar="SCOPE",
            help=(
                "a scope the client may ask for, replacing the kind's defaults (web, spa-native: openid profile "
                "email; device: openid profile; resource-server: introspection; machine: none, so give one); "
                "repeat, or give several separated by spaces"
            ),
        )
        create.add_argument(
            "--access-token-format",
            choices=[choice.value for choice in AccessTokenFormat],
            default=AccessTokenFormat.OPAQUE.value,
            help=(
                "opaque (default: resource servers introspect) or jwt (RFC 9068: resource servers verify it "
                "offline, so a revocation reaches them only at expiry; see docs/jwt-access-tokens.md)"
            ),
        )
        create.add_argument(
            "--jwt-lifetime",
            type=int,
            default=Application._meta.get_field("jwt_access_token_lifetime").default,
            metavar="SECONDS",
            help="how long a jwt client's access tokens live (default %(default)s)",
        )
        create.add_argument(
            "--trusted-first-party",
            action="store_true",
            help="skip the consent page for this client (only for your own apps)",
        )
        self._add_json(create)

        listing = subcommands.add_parser(
            "list",
            help="list every client: client_id, name, kind, grants, active",
            description="List every client, active or not, by name. Secrets are never shown.",
        )
        self._add_json(listing)

        disable = subcommands.add_parser(
            "disable",
            help="switch a client off and revoke its tokens",
            description=(
                "Switch a client off: it can no longer authenticate, and every code, access and refresh token it "
                "holds is revoked at once. Enabling it again (in the admin) does not bring the tokens back. "
                "Disabling a client that is already off changes nothing."
            ),
        )
        disable.add_argument("client_id", metavar="CLIENT_ID")
        self._add_json(disable)

        rotate = subcommands.add_parser(
            "rotate-secret",
            help="give a confidential client a new secret (printed once); the old one works for an overlap",
            description=(
                "Give a confidential client a new secret, printed once. The current secret keeps working for the "
                "overlap, so the client can be redeployed without downtime; the admin can retire it sooner."
            ),
        )
        rotate.add_argument("client_id", metavar="CLIENT_ID")
        rotate.add_argument(
            "--overlap-days",
            type=int,
            default=DEFAULT_OVERLAP.days,
            metavar="DAYS",
            help=(
                f"days the current secret keeps working (default {DEFAULT_OVERLAP.days}, at most {MAX_OVERLAP.days}); "
                "0 stops it now, for a leaked secret"
            ),
        )
        self._add_json(rotate)

    @staticmethod
    def _add_json(parser: CommandParser) -> None:
        parser.add_argument("--json", action="store_true", dest="as_json", help="print JSON, for scripts")

    def handle(self, *args, subcommand: str, as_json: bool, **options) -> None:
        result = {
            "create": self.create_client,
            "list": self.list_clients,
            "disable": self.disable_client,
            "rotate-secret": self.rotate_client_secret,
        }[subcommand](as_json=as_json, **options)
        if as_json:
            self.stdout.write(json.dumps(result, indent=2))

    def create_client(self, *, as_json: bool, name: str, kind: str, trusted_first_party: bool, **options) -> dict:
        client_kind = CLIENT_KINDS[kind]
        scopes = _words(options["scope"]) or list(client_kind.default_scopes)
        if not scopes:
            raise CommandError(f"A {kind} client needs at least one --scope: say what it may ask for.")
        data = {
            "name": name,
            "client_type": client_kind.client_type,
            "grant_types": list(client_kind.grant_types),
            "allowed_scopes": scopes,
            "redirect_uris": " ".join(_words(options["redirect_uri"])),
            "post_logout_redirect_uris": " ".join(_words(options["post_logout_redirect_uri"])),
            "allowed_origins": "",
            # ID tokens are signed with RS256 for clients that sign people in; others get no OIDC at all.
            "algorithm": Application.RS256_ALGORITHM if "openid" in scopes else Application.NO_ALGORITHM,
            "access_token_format": options["access_token_format"],
            "jwt_access_token_lifetime": options["jwt_lifetime"],
            "skip_authorization": trusted_first_party,
            "is_active": True,
            "user": "",
        }
        try:
            application, secret = client_create(data=data)
        except ValidationError as refusal:
            raise CommandError(self._refusal(refusal)) from None
        if as_json:
            return {**_described(application), "client_secret": secret or None}
        created = f'Created {kind} client "{application.name}" ({application.client_type}).'
        self.stdout.write(self.style.SUCCESS(created))
        self.stdout.write(f"  client_id      {application.client_id}")
        self.stdout.write(f"  client_secret  {secret or 'none: a public client proves itself with PKCE'}")
        self.stdout.write(f"  grants         {_grant_labels(application)}")
        self.stdout.write(f"  scopes         {' '.join(application.allowed_scopes) or '(none)'}")
        if application.issues_jwt_access_tokens:
            self.stdout.write(f"  access tokens  JWT (RFC 9068), {application.jwt_access_token_lifetime} s")
        if application.redirect_uris:
            self.stdout.write(f"  redirect URIs  {' '.join(application.redirect_uris.split())}")
        if secret:
            self.stdout.write(self.style.WARNING(SHOWN_ONCE))
        return {}

    def list_clients(self, *, as_json: bool, **options) -> list[dict]:
        applications = list(Application.objects.order_by("name", "client_id"))
        if as_json:
            return [_described(application) for application in applications]
        if not applications:
            self.stdout.write("No clients yet: manage.py client create --help")
            return []
        rows = [("CLIENT_ID", "NAME", "KIND", "GRANTS", "ACTIVE")] + [
            (a.client_id, a.name, kind_of(a), _grant_labels(a), "yes" if a.is_active else "no") for a in applications
        ]
        # Every column but the last padded to its widest value; the last needs no padding.
        widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]) - 1)]
        for row in rows:
            padded = [value.ljust(width) for value, width in zip(row, widths, strict=False)]
            self.stdout.write("  ".join([*padded, row[-1]]))
        return []

    def disable_client(self, *, as_json: bool, client_id: str, **options) -> dict:
        application = self._client(client_id)
        changed = client_disable(application=application)
        if as_json:
            return {**_described(application), "changed": changed}
        if changed:
            self.stdout.write(
                self.style.SUCCESS(f'Disabled client "{application.name}" ({client_id}).')
                + " It can no longer authenticate, and its codes, access and refresh tokens are revoked."
            )
        else:
            self.stdout.write(f'Client "{application.name}" ({client_id}) was already disabled; nothing changed.')
        return {}

    def rotate_client_secret(self, *, as_json: bool, client_id: str, overlap_days: int, **options) -> dict:
        application = self._client(client_id)
        try:
            secret, rotation = client_secret_rotate(
                application=application, rotated_by=None, overlap=timedelta(days=overlap_days)
            )
        except SecretRotationError as refusal:
            raise CommandError(f"{client_id}: {refusal}") from None
        until = rotation.expires_at if overlap_days else None
        if as_json:
            return {
                "client_id": client_id,
                "client_secret": secret,
                "previous_secret_accepted_until": until.isoformat() if until else None,
            }
        self.stdout.write(self.style.SUCCESS(f'New secret for "{application.name}" ({client_id}).'))
        self.stdout.write(f"  client_secret  {secret}")
        self.stdout.write(self.style.WARNING(SHOWN_ONCE))
        if until:
            self.stdout.write(
                f"The previous secret keeps working until {timezone.localtime(until):%Y-%m-%d %H:%M %Z} "
                f"({overlap_days} day{'s' if overlap_days != 1 else ''}); the admin can retire it sooner."
            )
        else:
            self.stdout.write("The previous secret stopped working now.")
        return {}

    def _client(self, client_id: str) -> Application:
        application = Application.objects.filter(client_id=client_id).first()
        if application is None:
            raise CommandError(f"No client has client_id {client_id!r}; 'manage.py client list' shows them all.")
        return application

    @staticmethod
    def _refusal(refusal: ValidationError) -> str:
        lines = ["The client was not created:"]
        for field, errors in refusal.message_dict.items():
            for message in errors:
                lines.append(f"  {OPTION_OF_FIELD.get(field, field)}: {message}")
        return "\n".join(lines)
