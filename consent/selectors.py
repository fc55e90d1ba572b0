"""Reads of remembered consent."""

from collections.abc import Iterable

from consent.models import Consent


def consent_covers(*, user, application, scopes: Iterable[str]) -> bool:
    """Whether ``user`` already approved ``application`` for every one of ``scopes``."""
    consent = Consent.objects.filter(user=user, application=application).only("scopes").first()
    return consent is not None and consent.covers(scopes)
