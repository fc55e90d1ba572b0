"""Management command run on a schedule (cron, systemd timer, Kubernetes CronJob) to prune token tables."""

from django.core.management.base import BaseCommand

from tokens.cleanup import expired_tokens_clear


class Command(BaseCommand):
    """``manage.py clear_expired_tokens``: DOT's cleartokens plus our token families, in batches."""

    help = (
        "Delete expired authorization codes, access, refresh and ID tokens (DOT's cleartokens), refresh "
        "tokens past OAUTH_REFRESH_ABSOLUTE_SECONDS and token families with no token left. Batches of "
        "OAUTH2_PROVIDER['CLEAR_EXPIRED_TOKENS_BATCH_SIZE'] rows. Safe to run at any time."
    )

    def handle(self, *args, **options) -> None:
        for what, count in expired_tokens_clear().items():
            self.stdout.write(f"{count} {what} deleted")
        self.stdout.write(self.style.SUCCESS("Expired tokens cleared."))
