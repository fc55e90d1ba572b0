"""The authorization server's own rows: pushed authorization requests (RFC 9126), back-channel logout notices."""

from django.conf import settings
from django.db import models
from django.utils import timezone
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


class BackchannelLogout(models.Model):
    """A logout notice for one client about one ended session (provider.backchannel_logout): the outbox row.

    Written in the transaction that ends the session, sent after it commits, retried with backoff. The
    logout token itself is signed at each attempt (fresh ``iat``/``exp``, same ``jti``) and never stored.
    """

    application = models.ForeignKey(
        settings.OAUTH2_PROVIDER_APPLICATION_MODEL, on_delete=models.CASCADE, verbose_name=_("client")
    )
    issuer = models.CharField(_("issuer"), max_length=255)
    subject = models.CharField(_("subject (sub)"), max_length=255)
    sid = models.CharField(_("session id (sid)"), max_length=64)
    jti = models.CharField(_("token id (jti)"), max_length=64, unique=True)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    next_attempt = models.DateTimeField(_("next attempt"), default=timezone.now)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=200, blank=True)
    delivered = models.DateTimeField(_("delivered"), null=True, blank=True)
    given_up = models.DateTimeField(_("given up"), null=True, blank=True)

    class Meta:
        verbose_name = _("back-channel logout notice")
        indexes = [
            # The worker's one question: what is due, among the notices neither delivered nor given up.
            models.Index(
                fields=["next_attempt"],
                name="provider_bcl_due",
                condition=models.Q(delivered__isnull=True, given_up__isnull=True),
            )
        ]

    def __str__(self) -> str:
        return f"Logout notice {self.jti} for client {self.application_id}"
