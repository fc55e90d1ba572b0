"""``manage.py deliver_backchannel_logouts``: send the back-channel logout notices that are due (e.g. from cron)."""

from django.core.management.base import BaseCommand

from provider.backchannel_logout import logout_notifications_deliver


class Command(BaseCommand):
    """One pass over the outbox: each notice that is due is attempted once (provider.backchannel_logout)."""

    help = (
        "Send the back-channel logout notices that are due: those a stopped process did not send and the "
        "retries whose time has come. Each is attempted once; run it every minute or so from cron."
    )

    def handle(self, *args, **options) -> None:
        attempted = logout_notifications_deliver()
        self.stdout.write(f"{attempted} back-channel logout notice{'' if attempted == 1 else 's'} attempted.")
