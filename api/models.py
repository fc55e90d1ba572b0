"""The resource server's own data: each user's notes."""

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Note(models.Model):
    """A short text a user keeps; only its owner can see or change it, unless they share a read-only link."""

    # A random public id: sequential ids would tell any user how many notes everyone else has.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notes", verbose_name=_("owner")
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("body"), blank=True, max_length=20_000)
    pinned = models.BooleanField(_("pinned"), default=False, help_text=_("Pinned notes are listed first."))
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True)
    # The key of the read-only share link; null when the note is not shared.
    share_key = models.CharField(_("share key"), max_length=64, unique=True, null=True, blank=True, editable=False)
    shared_at = models.DateTimeField(_("shared at"), null=True, blank=True, editable=False)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-pinned", "-updated"]
        indexes = [models.Index(fields=["owner", "-updated"], name="note_owner_updated")]
        verbose_name = _("note")
        verbose_name_plural = _("notes")

    def __str__(self) -> str:
        return self.title

    @property
    def archived(self) -> bool:
        """Whether the note was archived (hidden from everyday lists, kept for reference)."""
        return self.archived_at is not None

    def archive(self) -> None:
        """Archive the note; archiving an archived note keeps its first date."""
        if self.archived_at is None:
            self.archived_at = timezone.now()
            self.save(update_fields=["archived_at", "updated"])

    def unarchive(self) -> None:
        """Bring an archived note back."""
        if self.archived_at is not None:
            self.archived_at = None
            self.save(update_fields=["archived_at", "updated"])

    def share(self) -> None:
        """Give the note a read-only link; sharing a shared note keeps its link."""
        if self.share_key is None:
            # 32 random bytes: the link is the only credential, so it must not be guessable.
            self.share_key = secrets.token_urlsafe(32)
            self.shared_at = timezone.now()
            self.save(update_fields=["share_key", "shared_at", "updated"])

    def unshare(self) -> None:
        """Withdraw the read-only link; anyone holding it gets 404 from now on."""
        if self.share_key is not None:
            self.share_key = None
            self.shared_at = None
            self.save(update_fields=["share_key", "shared_at", "updated"])
