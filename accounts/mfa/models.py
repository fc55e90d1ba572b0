"""Second factors beyond django-otp's TOTP device (recovery codes, passkeys), and MFA required per group."""

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import models
from django.utils.translation import gettext_lazy as _


class RecoveryCodeQuerySet(models.QuerySet):
    def unused(self) -> "RecoveryCodeQuerySet":
        return self.filter(used_at__isnull=True)


class RecoveryCode(models.Model):
    """One single-use recovery code, stored as its SHA-256 digest (80 random bits: no slow hash needed)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="recovery_codes", verbose_name=_("user")
    )
    code_digest = models.CharField(_("code digest"), max_length=64)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    objects = RecoveryCodeQuerySet.as_manager()

    class Meta:
        verbose_name = _("recovery code")
        verbose_name_plural = _("recovery codes")
        constraints = [models.UniqueConstraint(fields=["user", "code_digest"], name="recovery_code_unique_per_user")]

    def __str__(self) -> str:
        return f"{self.user} #{self.pk}"


class Passkey(models.Model):
    """A WebAuthn credential (a passkey or a security key) registered by a user: second factor or passwordless."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="passkeys", verbose_name=_("user")
    )
    name = models.CharField(_("name"), max_length=100)
    # base64url of the credential id (at most 1023 bytes, WebAuthn Level 3 §5.1): what the browser sends back.
    credential_id = models.CharField(_("credential id"), max_length=1400, unique=True)
    # base64url of the WebAuthn user handle the credential was made for (random, one per user, never the pk
    # or the username: authenticators may show or sync it). A discoverable credential returns it at sign-in.
    user_handle = models.CharField(_("user handle"), max_length=100, blank=True)
    public_key = models.BinaryField(_("public key (COSE)"))
    sign_count = models.PositiveBigIntegerField(_("signature counter"), default=0)
    transports = models.JSONField(_("transports"), default=list, blank=True)
    backed_up = models.BooleanField(_("synced (backed up)"), default=False)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        verbose_name = _("passkey")
        verbose_name_plural = _("passkeys")

    def __str__(self) -> str:
        return self.name


class GroupMfaRequirement(models.Model):
    """Members of this group must sign in with a second factor (an admin's policy, beside User.mfa_required)."""

    group = models.OneToOneField(
        Group, on_delete=models.CASCADE, primary_key=True, related_name="mfa_requirement", verbose_name=_("group")
    )

    class Meta:
        verbose_name = _("group that must use a second factor")
        verbose_name_plural = _("groups that must use a second factor")

    def __str__(self) -> str:
        return str(self.group)
