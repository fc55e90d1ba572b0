"""The audit event: one row per security-relevant thing that happened, never changed afterwards."""

import pgtrigger
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# The ``limit`` a THROTTLE_TRIGGERED event names for a sign-in lockout, by django-axes' lockout parameter:
# the names these limits had before axes counted them, so the trail reads the same across the change.
SIGN_IN_LOCKOUT_LIMITS = {"username": "login:account", "ip_address": "login:ip"}


class AppendOnlyError(Exception):
    """Raised when code tries to change or delete an audit event."""


class AuditEventQuerySet(models.QuerySet):
    """Queries over audit events; bulk writes other than inserts are refused."""

    def update(self, **kwargs):
        raise AppendOnlyError("Audit events are append-only: they cannot be updated.")

    def delete(self):
        raise AppendOnlyError("Audit events are append-only: they cannot be deleted.")


class AuditEvent(models.Model):
    """A security event: what happened, to which account and client, from which address, when.

    ``details`` holds small facts only (scopes, grant type, reason, the first characters of a token's
    SHA-256 checksum) and never a secret, password, code or token value: ``audit.services`` strips them.
    """

    class Event(models.TextChoices):
        """The events the provider records; the value is what is stored and filtered on."""

        LOGIN_SUCCEEDED = "login.succeeded", _("Sign-in succeeded")
        LOGIN_FAILED = "login.failed", _("Sign-in failed")
        LOGOUT = "logout", _("Signed out")
        CONSENT_GRANTED = "consent.granted", _("Consent granted")
        CONSENT_DENIED = "consent.denied", _("Consent denied")
        TOKEN_ISSUED = "token.issued", _("Token issued")
        TOKEN_REFRESHED = "token.refreshed", _("Token refreshed")
        TOKEN_REVOKED = "token.revoked", _("Token revoked")
        CLIENT_AUTH_FAILED = "client_auth.failed", _("Client authentication failed")
        CODE_REPLAY_DETECTED = "code.replay_detected", _("Authorization code replay detected")
        REFRESH_REUSE_DETECTED = "refresh_token.reuse_detected", _("Refresh token reuse detected")
        THROTTLE_TRIGGERED = "throttle.triggered", _("Throttling triggered")
        CLIENT_CREATED = "client.created", _("Client created")
        CLIENT_CHANGED = "client.changed", _("Client changed")
        CLIENT_SECRET_RESET = "client.secret_reset", _("Client secret reset")
        CLIENT_RETIRED = "client.retired", _("Client retired")
        USER_DEACTIVATED = "user.deactivated", _("User deactivated")
        PASSWORD_RESET_REQUESTED = "password_reset.requested", _("Password reset requested")
        PASSWORD_RESET_COMPLETED = "password_reset.completed", _("Password reset completed")
        EMAIL_VERIFICATION_SENT = "email_verification.sent", _("Email verification sent")
        EMAIL_VERIFIED = "email.verified", _("Email address verified")
        MFA_TOTP_ADDED = "mfa.totp_added", _("Authenticator app added")
        MFA_TOTP_REMOVED = "mfa.totp_removed", _("Authenticator app removed")
        MFA_RECOVERY_CODES_GENERATED = "mfa.recovery_codes_generated", _("Recovery codes generated")
        MFA_RECOVERY_CODE_USED = "mfa.recovery_code_used", _("Recovery code used")
        MFA_PASSKEY_ADDED = "mfa.passkey_added", _("Passkey added")
        MFA_PASSKEY_REMOVED = "mfa.passkey_removed", _("Passkey removed")
        # A passkey's signature counter did not move forward: the authenticator may have been cloned (refused).
        MFA_PASSKEY_COUNTER_REGRESSED = "mfa.passkey_counter_regressed", _("Passkey signature counter went backwards")

    created = models.DateTimeField(_("time"), default=timezone.now, db_index=True, editable=False)
    event = models.CharField(_("event"), max_length=40, choices=Event.choices, db_index=True)
    # SET_NULL keeps the event when the account or client is deleted; the PostgreSQL triggers allow
    # exactly that change and nothing else (Meta.triggers).
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The account the event concerns (for admin changes: the admin who made them)."),
    )
    application = models.ForeignKey(
        settings.OAUTH2_PROVIDER_APPLICATION_MODEL,
        verbose_name=_("client"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Kept as text too: it survives the client's deletion and records unknown client_ids in failures.
    client_id = models.CharField(_("client id"), max_length=100, blank=True, db_index=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True, db_index=True)
    user_agent = models.CharField(_("user agent"), max_length=200, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True, encoder=DjangoJSONEncoder)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-created", "-id"]
        indexes = [models.Index(fields=["event", "-created"], name="audit_event_type_time")]
        # The methods below refuse changes made through the ORM; anyone with SQL access (a buggy migration, a
        # manual "clean-up", an attacker with the app's credentials) could still rewrite history. These
        # PostgreSQL triggers turn that into an error at no cost on insert. TRUNCATE is not covered: test
        # database flushes use it. SQLite, never the production database, has only the ORM's refusal.
        triggers = [
            pgtrigger.Protect(name="append_only_delete", operation=pgtrigger.Delete),
            # Every column but the two foreign keys is read-only, whatever columns are added later
            # (makemigrations rewrites this trigger with the model).
            pgtrigger.ReadOnly(name="append_only_update", exclude=["user", "application"]),
            # The foreign keys may only be nulled, which ON DELETE SET NULL does when the account or client
            # is deleted (the event keeps its client_id text); pointing an event elsewhere is refused.
            pgtrigger.Protect(
                name="append_only_links",
                operation=pgtrigger.Update,
                condition=pgtrigger.Q(new__user__isnull=False, old__user__df=pgtrigger.F("new__user"))
                | pgtrigger.Q(new__application__isnull=False, old__application__df=pgtrigger.F("new__application")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_event_display()} at {self.created:%Y-%m-%d %H:%M:%S}"

    def save(self, *args, **kwargs):
        # Only inserts: an event, once written, is evidence and must not be rewritten by application code.
        if not self._state.adding:
            raise AppendOnlyError("Audit events are append-only: they cannot be updated.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Audit events are append-only: they cannot be deleted.")
