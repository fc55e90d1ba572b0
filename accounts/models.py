"""The provider's user model, its sign-in sessions, and sign-in lockouts as the admin lists them."""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.mfa.models import GroupMfaRequirement, Passkey, RecoveryCode  # noqa: F401 (the app's models)
from audit.models import SIGN_IN_LOCKOUT_LIMITS, AuditEvent, AuditEventQuerySet


class User(AbstractUser):
    """A person who signs in here; a custom model from day one so fields can be added without pain."""

    email = models.EmailField(_("email address"), blank=True)
    email_verified = models.BooleanField(
        _("email verified"), default=False, help_text=_("Whether the address was confirmed; released as a claim.")
    )
    mfa_required = models.BooleanField(
        _("requires a second factor"),
        default=False,
        help_text=_("Sign-in asks for a second factor; without one the user must enrol one first (accounts.mfa)."),
    )

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"

    def save(self, *args, **kwargs) -> None:
        # A changed address is unconfirmed until its owner follows a link sent to it: whoever changed it
        # (the admin, a future profile page, code), the email_verified claim must never vouch for an address
        # nobody proved. Saves that name their fields and leave out "email" cannot change it: no query.
        # QuerySet.update() bypasses save(); code that updates addresses in bulk must clear the flag itself.
        update_fields = kwargs.get("update_fields")
        if (update_fields is None or "email" in update_fields) and self._email_changed():
            self.email_verified = False
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "email_verified"}
        super().save(*args, **kwargs)

    def _email_changed(self) -> bool:
        """Whether ``email`` differs from the stored row's (read now, so any way of loading the user counts)."""
        if self._state.adding or self.pk is None:
            return False
        stored = type(self)._base_manager.using(self._state.db).filter(pk=self.pk)
        return stored.exclude(email=self.email).exists()

    @property
    def display_name(self) -> str:
        """The full name when known, else the username."""
        return self.get_full_name() or self.username


class SignInLockoutManager(models.Manager.from_queryset(AuditEventQuerySet)):
    """Only the audit events that started a sign-in lockout."""

    def get_queryset(self) -> AuditEventQuerySet:
        limits = list(SIGN_IN_LOCKOUT_LIMITS.values())
        return super().get_queryset().filter(event=AuditEvent.Event.THROTTLE_TRIGGERED, details__limit__in=limits)


class SignInLockout(AuditEvent):
    """A sign-in lockout (accounts.sign_in_lockout), as the audit trail recorded it when it started.

    The counts live in the cache, which cannot be listed, and every lockout start is audited: so the
    trail is where an admin finds lockouts. A proxy, append-only like the trail: no table of its own.
    """

    objects = SignInLockoutManager()

    class Meta:
        proxy = True
        verbose_name = _("sign-in lockout")
        verbose_name_plural = _("sign-in lockouts")

    @property
    def by_account(self) -> bool:
        """Whether an account name (rather than an address) is locked out."""
        return self.details.get("limit") == SIGN_IN_LOCKOUT_LIMITS["username"]

    @property
    def ends(self):
        """When the lockout runs out by itself."""
        return self.created + timedelta(seconds=self.details.get("window_seconds") or 0)


class UserSessionQuerySet(models.QuerySet):
    """Sign-in sessions, narrowed the ways the account page, the admin and the sign-out services need."""

    def live(self) -> "UserSessionQuerySet":
        return self.filter(ended__isnull=True)


class UserSession(models.Model):
    """One sign-in at the provider, from the moment it happened until it ended (accounts.sessions).

    Django's session row holds this record's ``sid`` and nothing else points from the session to it; the
    record is what a user, an admin or a service ends, by one indexed UPDATE, and what the middleware checks
    on each signed-in request. ``sid`` is random, never the session key: it is released to clients in ID
    tokens and logout tokens (OIDC Front-Channel Logout 1.0 §3, Back-Channel Logout 1.0 §2.4).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sign_in_sessions", verbose_name=_("user")
    )
    sid = models.CharField(_("session id (sid)"), max_length=64, unique=True)
    user_agent = models.CharField(_("browser"), max_length=512, blank=True)
    client_address = models.GenericIPAddressField(_("client address"), null=True, blank=True)
    created = models.DateTimeField(_("signed in"), default=timezone.now)
    # Written at most once per accounts.sessions.LAST_SEEN_INTERVAL, not on every request.
    last_seen = models.DateTimeField(_("last seen"), default=timezone.now)
    ended = models.DateTimeField(_("ended"), null=True, blank=True)
    # The issuer as the sign-in request named it (the configured one, else derived from the host): the
    # ``iss`` of this session's ID tokens, for its logout tokens, which may be sent with no request at hand.
    issuer = models.CharField(_("issuer"), max_length=255, blank=True)

    objects = UserSessionQuerySet.as_manager()

    class Meta:
        verbose_name = _("sign-in session")
        verbose_name_plural = _("sign-in sessions")
        indexes = [models.Index(fields=["user", "ended"], name="accounts_session_user_ended")]
        ordering = ["-last_seen"]

    def __str__(self) -> str:
        return f"{self.user_id} {self.created:%Y-%m-%d %H:%M}"
