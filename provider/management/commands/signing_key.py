"""``manage.py signing_key generate|rotate``: make an ID token signing key, and say how to rotate to it.

The keys live in the environment, which a command cannot change; ``rotate`` prints what each variable must
hold at each step of docs/key-rotation.md, from where these settings stand, and ``rotate --check`` verifies
the keys these settings publish.
"""

import json
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from oauth2_provider.settings import oauth2_settings

from config.signing_keys import generate_rsa_private_key, write_private_file
from provider.key_rotation import (
    ACTIVE,
    INACTIVE,
    SigningKey,
    Step,
    configured_keys,
    key_from_file,
    published_keys_check,
    rotation_steps,
    shell_value,
)

KEY_SIZES = (2048, 3072, 4096)
DEFAULT_KEY_SIZE = 3072
# The one place inside the project a key may be written: git-ignored, and where development keys live.
KEYS_FOLDER = ".keys"


def _duration(span: timedelta) -> str:
    minutes = int(span.total_seconds()) // 60
    hours, minutes = divmod(minutes, 60)
    return " ".join(part for part in (f"{hours} h" if hours else "", f"{minutes} min" if minutes else "") if part)


def _when(moment) -> str:
    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M %Z}"


def _key_json(key: SigningKey) -> dict:
    return {"kid": key.kid, "bits": key.bits, "source": key.source, "problem": key.problem}


class Command(BaseCommand):
    """Generate an RSA key for OIDC_RSA_PRIVATE_KEY, plan a rotation to it, and check the published keys."""

    help = (
        "The ID token signing key: 'generate' makes a new RSA key; 'rotate' prints what to set at each step "
        "of a rotation (docs/key-rotation.md), keeping the old key published until the ID tokens it signed "
        "have expired; 'rotate --check' verifies the keys these settings publish. The keys come from the "
        f"environment ({ACTIVE} signs, {INACTIVE} are only published): no command changes them."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        subcommands = parser.add_subparsers(dest="subcommand", required=True, metavar="{generate,rotate}")
        generate = subcommands.add_parser(
            "generate",
            help="make a new RSA private key (PEM) and print its kid",
            description=(
                "Make a new RSA private key as unencrypted PKCS#8 PEM, the form OIDC_RSA_PRIVATE_KEY takes. "
                "Printed to stdout (its kid to stderr), or written to a new file readable by its owner only. "
                "Never into the project (except its git-ignored .keys/ folder): keep it in your secret store."
            ),
        )
        generate.add_argument(
            "--bits",
            type=int,
            choices=KEY_SIZES,
            default=DEFAULT_KEY_SIZE,
            help=f"key size (default {DEFAULT_KEY_SIZE})",
        )
        generate.add_argument(
            "--output", metavar="FILE", help="write the key to FILE (created with mode 0600; never overwritten)"
        )
        generate.add_argument("--json", action="store_true", dest="as_json", help="print JSON, for scripts")

        rotate = subcommands.add_parser(
            "rotate",
            help="print what to set at each step of a key rotation; --check verifies the published keys",
            description=(
                "Print the steps left to make the key in --new-key FILE the signing key, from where these "
                "settings stand: 1. publish it, wait for relying parties' cached key sets; 2. sign with it, "
                "the old key still published until the ID tokens it signed have expired; 3. drop the old key. "
                "Run it again after each deploy: it picks up at the step the settings show. With --check, "
                "verify that every configured key is valid and published (the signing key first) and say until "
                "when ID tokens alive now may need a retired key."
            ),
        )
        rotate.add_argument("--new-key", metavar="FILE", help="the PEM file of the key to rotate to (from 'generate')")
        rotate.add_argument(
            "--compromised",
            action="store_true",
            help="the current key leaked: one step, the new key alone (tokens it signed stop verifying at once)",
        )
        rotate.add_argument(
            "--check", action="store_true", help="verify the keys these settings publish; exit status 1 if not"
        )
        rotate.add_argument("--json", action="store_true", dest="as_json", help="print JSON, for scripts")

    def handle(self, *args, subcommand: str, **options) -> None:
        if subcommand == "generate":
            self.generate(**options)
        else:
            self.rotate(**options)

    # generate ---------------------------------------------------------------------------------------------

    def generate(self, *, bits: int, output: str | None, as_json: bool, **options) -> None:
        path = self._key_path(output) if output else None
        pem = generate_rsa_private_key(bits)
        key = SigningKey.of(pem, source=str(path) if path else "stdout")
        if path is not None:
            try:
                write_private_file(path, pem)
            except FileExistsError:
                raise CommandError(f"{path} exists; a key file is never overwritten.") from None
        if as_json:
            result = {"kid": key.kid, "bits": key.bits, "path": str(path) if path else None}
            self.stdout.write(json.dumps(result if path else {**result, "private_key_pem": pem}, indent=2))
        elif path is not None:
            self.stdout.write(f"Wrote a {bits}-bit RSA key to {path} (mode 0600), kid {key.kid}.")
            self.stdout.write(f"Next: manage.py signing_key rotate --new-key {path}")
        else:
            # The PEM alone on stdout, so `> file` or a pipe into a secret store gets nothing else.
            self.stdout.write(pem, ending="")
            # A note, not an error: without a style of its own, stderr would print it in the error colour.
            self.stderr.write(f"A {bits}-bit RSA key, kid {key.kid}. Store it; do not commit it.", style_func=str)

    def _key_path(self, output: str) -> Path:
        path = Path(output).expanduser().resolve()
        project, keys_folder = Path(settings.BASE_DIR).resolve(), Path(settings.BASE_DIR).resolve() / KEYS_FOLDER
        if path.is_relative_to(project) and not path.is_relative_to(keys_folder):
            # A private key in the working tree is one `git add .` away from the repository.
            raise CommandError(
                f"{path} is inside the project; write keys to your secret store, or to its git-ignored "
                f"{KEYS_FOLDER}/ folder for development."
            )
        if not path.parent.is_dir():
            raise CommandError(f"{path.parent} is not a folder.")
        return path

    # rotate -----------------------------------------------------------------------------------------------

    def rotate(self, *, new_key: str | None, compromised: bool, check: bool, as_json: bool, **options) -> None:
        if compromised and not new_key:
            raise CommandError("--compromised needs --new-key FILE: the key that replaces the leaked one.")
        if not new_key and not check:
            self._where_things_stand(as_json=as_json)
            return
        result: dict = {}
        failed = None
        if check:
            result["check"], failed = self._check(as_json=as_json)
        if new_key:
            result["steps"] = self._plan(new_key, compromised=compromised, as_json=as_json)
        if as_json:
            self.stdout.write(json.dumps(result, indent=2))
        if failed:
            raise CommandError(failed)

    def _where_things_stand(self, *, as_json: bool) -> None:
        active, inactive = configured_keys()
        if as_json:
            keys = {"signing_key": _key_json(active), "published_only": [_key_json(key) for key in inactive]}
            self.stdout.write(json.dumps(keys, indent=2))
            return
        self._print_keys(active, inactive)
        self.stdout.write(
            "To rotate: manage.py signing_key generate --output FILE (outside the project), then "
            "manage.py signing_key rotate --new-key FILE. See docs/key-rotation.md."
        )

    def _print_keys(self, active: SigningKey, inactive: list[SigningKey]) -> None:
        self.stdout.write(f"Signing key ({ACTIVE}):  kid {active.kid}  {active.problem or f'{active.bits}-bit RSA'}")
        if not inactive:
            self.stdout.write(f"Published only ({INACTIVE}):  none")
        for key in inactive:
            self.stdout.write(f"Published only ({INACTIVE}):  kid {key.kid}  {key.problem or f'{key.bits}-bit RSA'}")

    def _plan(self, new_key: str, *, compromised: bool, as_json: bool) -> list[dict]:
        try:
            new = key_from_file(new_key)
        except OSError as exc:
            raise CommandError(f"Cannot read {new_key}: {exc.strerror}.") from None
        if new.problem:
            raise CommandError(f"{new_key} {new.problem}.")
        steps = rotation_steps(new=new, compromised=compromised)
        if as_json:
            return [
                {
                    "step": step.number,
                    "title": step.title,
                    ACTIVE: step.active.kid,
                    INACTIVE: [key.kid for key in step.inactive],
                    "then_wait_seconds": int(step.wait.total_seconds()) if step.wait else None,
                }
                for step in steps
            ]
        if not steps:
            self.stdout.write(f"Nothing left to do: kid {new.kid} signs, and no other key is published.")
            return []
        self.stdout.write(
            "Each step is one deploy to every process; the shell lines assume the environment of the step before."
        )
        signing_before = configured_keys()[0]
        for position, step in enumerate(steps):
            self._print_step(step, next_step=position == 0, signing_before=signing_before)
            signing_before = step.active
        return []

    def _print_step(self, step: Step, *, next_step: bool, signing_before: SigningKey) -> None:
        heading = f"Step {step.number}{' (next)' if next_step else ''}: {step.title}"
        self.stdout.write(self.style.MIGRATE_HEADING(heading))
        self.stdout.write(f"  {ACTIVE:<31} kid {step.active.kid}  ({step.active.source})")
        if not step.inactive:
            self.stdout.write(f"  {INACTIVE:<31} empty")
        for key in step.inactive:
            self.stdout.write(f"  {INACTIVE:<31} kid {key.kid}  ({key.source})")
        inactive_value = shell_value(step.inactive)
        if step.inactive and inactive_value is None:
            self.stdout.write(f"  (Set {INACTIVE} to those PEM blocks, concatenated, from your secret store.)")
        else:
            # The variable being moved is read before it is reassigned: this order is the only correct one.
            self.stdout.write(f"    export {INACTIVE}={inactive_value}" if step.inactive else f"    unset {INACTIVE}")
        if not step.active.same_key(signing_before):
            self.stdout.write(f"    export {ACTIVE}={shell_value([step.active])}")
        if step.wait:
            self.stdout.write(
                f"  Deploy; once the last process has restarted, wait {_duration(step.wait)} ({step.wait_for})."
            )
        else:
            self.stdout.write(
                "  Deploy. Before dropping a key, run 'manage.py signing_key rotate --check' with the settings "
                "of the step before: it says until when ID tokens alive may need it."
            )

    def _check(self, *, as_json: bool) -> tuple[dict, str | None]:
        check = published_keys_check()
        failed = f"The signing keys fail the check: {len(check.problems)} problem(s)." if check.problems else None
        result = {
            "ok": not check.problems,
            "problems": check.problems,
            "signing_key": _key_json(check.active),
            "published_only": [_key_json(key) for key in check.inactive],
            "published_kids": check.published_kids,
            "live_id_tokens": check.live_id_tokens,
            "last_id_token_expires": check.last_id_token_expires.isoformat() if check.last_id_token_expires else None,
            "live_jwt_access_tokens": check.live_jwt_access_tokens,
            "last_jwt_access_token_expires": (
                check.last_jwt_access_token_expires.isoformat() if check.last_jwt_access_token_expires else None
            ),
        }
        if as_json:
            return result, failed
        self._print_keys(check.active, check.inactive)
        if check.live_id_tokens:
            self.stdout.write(
                f"ID tokens alive: {check.live_id_tokens}; the last expires {_when(check.last_id_token_expires)}. "
                f"A key retired from signing must stay in {INACTIVE} until then, unless it stopped signing more "
                f"than {_duration(timedelta(seconds=oauth2_settings.ID_TOKEN_EXPIRE_SECONDS))} ago."
            )
        else:
            self.stdout.write("ID tokens alive: none, so no retired key is needed to verify one.")
        if check.live_jwt_access_tokens:
            self.stdout.write(
                f"JWT access tokens alive: {check.live_jwt_access_tokens}; the last expires "
                f"{_when(check.last_jwt_access_token_expires)}. Resource servers verify them against the published "
                "keys, so a retired key must stay published until then too."
            )
        for problem in check.problems:
            self.stdout.write(self.style.ERROR(f"  {problem}"))
        if not check.problems:
            self.stdout.write(
                self.style.SUCCESS(
                    "OK: every configured key is valid and in the JWKS document, the signing key first."
                )
            )
        return result, failed
