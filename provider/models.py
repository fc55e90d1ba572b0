"""The authorization server's own rows: pushed authorization requests (RFC 9126)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class PushedAuthorizationRequest(models.Model):
    """An authorization request a client pushed (RFC 9126 §2), waiting for the browser to bring its request_uri.

    Only a checksum of the request_uri is stored, like every other credential here: a database read does not
    hand out a usable request_uri. ``parameters`` keeps the validated request as a list of name/value
    pairs, so a repeated ``resource`` (RFC 8707) survives.
    """

    reference_checksum = models.CharField(max_length=64, unique=True)
    application = models.ForeignKey(settings.OAUTH2_PROVIDER_APPLICATION_MODEL, on_delete=models.CASCADE)
    parameters = models.JSONField()
    created = models.DateTimeField(auto_now_add=True)
    # The browser must arrive by then (RFC 9126 §2.2 expires_in); swept by clear_expired_tokens afterwards.
    expires = models.DateTimeField(db_index=True)
    # When the browser first arrived: from then on the request lives as long as a consent page does.
    started = models.DateTimeField(null=True, blank=True)
    # When a code (or an error) was sent back for it: a request_uri is used once (RFC 9126 §4).
    used = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("pushed authorization request")

    def __str__(self) -> str:
        return f"{self.application_id} pushed at {self.created:%Y-%m-%d %H:%M:%S}"
