"""Management command run on a schedule (cron, systemd timer, Kubernetes CronJob) to prune token tables."""

from django.core.management.base import BaseCommand

from tokens.cleanup import expired_tokens_clear


class Command(BaseCommand):
    """``manage.py clear_expired_tokens``: DOT's cleartokens plus our token families, in batches."""

    help = (
        "Delete expired authorization codes, access, refresh and ID tokens (DOT's cleartokens), refresh "
        "tokens past OAUTH_REFRESH_ABSOLUTE_SECONDS and token families with no token left. Batches of "
        "OAUTH2_PROVIDER['CLEAR_EXPIRED_TOKENS_BATCH_SIZE'] rows. Safe to run at any time. Each count is "
        "logged (at INFO, to the console by default)."
    )

    def handle(self, *args, **options) -> None:
        # The counts are not echoed here: expired_tokens_clear logs each of them, as DOT's sweep logs its own,
        # and the console handler shows those lines. Printing them as well showed every count twice.
        expired_tokens_clear()
        self.stdout.write(self.style.SUCCESS("Expired tokens cleared."))
