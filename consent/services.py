"""Writes of remembered consent: recorded when a user approves on the consent page, forgotten on revocation."""

from django.db import transaction

from consent.models import Consent


@transaction.atomic
def consent_record(*, user, application, requested: list[str], approved: list[str]) -> Consent:
    """Remember what ``user`` approved on a consent page that asked for ``requested``.

    Scopes the page showed and the user left unticked are withdrawn; scopes approved earlier and not on
    this page are kept, so a client can ask for more over time (incremental authorization) without
    re-asking for what the user already gave.
    """
    consent, _ = Consent.objects.select_for_update().get_or_create(user=user, application=application)
    kept = {scope for scope in consent.scopes if scope not in requested}
    consent.scopes = sorted(kept | set(approved))
    consent.save()
    return consent


def consent_forget(*, user, application) -> None:
    """Forget ``user``'s approval of ``application``: the next request shows the consent page again."""
    Consent.objects.filter(user=user, application=application).delete()
