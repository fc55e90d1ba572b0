"""``manage.py end_user_sessions USERNAME``: sign a user out everywhere (sessions here, tokens at every client)."""

import json
from dataclasses import asdict

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.sessions import user_sign_out_everywhere


def _count(number: int, thing: str) -> str:
    return f"{number} {thing}{'' if number == 1 else 's'}"


class Command(BaseCommand):
    """Ends the user's sessions and revokes their tokens through THE revocation service; the account stays usable."""

    help = (
        "Sign a user out everywhere: end every session they have at the provider and revoke every "
        "authorization code, access token and refresh token any client holds for them (audited). The account "
        "stays active, so they can sign in again; deactivate it in the admin to stop that. Use it after a "
        "stolen laptop or a phished password (then also reset the password)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", metavar="USERNAME", help="the user's username, exactly as stored")
        parser.add_argument("--json", action="store_true", dest="as_json", help="print JSON, for scripts")

    def handle(self, *args, username: str, as_json: bool, **options) -> None:
        user_model = get_user_model()
        try:
            user = user_model._default_manager.get_by_natural_key(username)
        except user_model.DoesNotExist:
            raise CommandError(f"No user has the username {username!r}.") from None
        ended = user_sign_out_everywhere(user=user)
        if as_json:
            self.stdout.write(json.dumps({"username": user.get_username(), **asdict(ended)}, indent=2))
            return
        self.stdout.write(
            self.style.SUCCESS(f"Signed {user.get_username()} out everywhere: ")
            + f"{_count(ended.sessions, 'session')} ended; "
            + f"{_count(ended.access_tokens, 'access token')}, {_count(ended.refresh_tokens, 'refresh token')} "
            + f"and {_count(ended.codes, 'authorization code')} revoked."
        )
        if user.is_active:
            self.stdout.write("The account is still active: they can sign in again (deactivate it in the admin).")
