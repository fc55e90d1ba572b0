"""The invalidation feed every process polls: one row per access token, user or client that changed."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class InvalidationEvent(models.Model):
    """A row that cached bearer answers depend on changed: drop what refers to ``ref`` of ``kind``.

    Written only by database triggers (token_cache/migrations/0002), in the transaction that made the
    change, so it becomes visible exactly when the change commits. Rows are needed for a few minutes
    (see token_cache.cache) and are purged after.
    """

    class Kind(models.TextChoices):
        TOKEN = "t", _("access token")
        USER = "u", _("user")
        APPLICATION = "a", _("application")

    id = models.BigAutoField(primary_key=True)
    kind = models.CharField(_("kind"), max_length=1, choices=Kind.choices)
    ref = models.BigIntegerField(_("primary key"))
    created = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("token cache invalidation")
        verbose_name_plural = _("token cache invalidations")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.ref}"
