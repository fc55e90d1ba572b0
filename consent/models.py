"""What a user has approved a client to do, remembered so a later request for no more skips the consent page."""

from collections.abc import Iterable

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Consent(models.Model):
    """One user's standing approval of one client for a set of scopes."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="consents")
    application = models.ForeignKey(
        settings.OAUTH2_PROVIDER_APPLICATION_MODEL, on_delete=models.CASCADE, related_name="consents"
    )
    scopes = models.JSONField(_("approved scopes"), default=list)
    created = models.DateTimeField(_("first approved"), auto_now_add=True)
    updated = models.DateTimeField(_("last approved"), auto_now=True)

    class Meta:
        verbose_name = _("remembered consent")
        verbose_name_plural = _("remembered consents")
        constraints = [
            models.UniqueConstraint(fields=["user", "application"], name="consent_one_per_user_and_client"),
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.application}: {' '.join(self.scopes)}"

    def covers(self, scopes: Iterable[str]) -> bool:
        """Whether every one of ``scopes`` was approved."""
        return set(scopes) <= set(self.scopes)
