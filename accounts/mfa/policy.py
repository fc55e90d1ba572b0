"""Who must use a second factor: the user (User.mfa_required), one of their groups, the client, or the request."""

from accounts.mfa.models import GroupMfaRequirement, Passkey
from accounts.mfa.totp import totp_device
from provider.acr import mfa_requested


def user_has_second_factor(user) -> bool:
    """Whether the user enrolled a TOTP device or a passkey."""
    return totp_device(user=user) is not None or Passkey.objects.filter(user=user).exists()


def user_must_use_second_factor(user) -> bool:
    """Whether an admin requires a second factor of this user, directly or through a group."""
    if user.mfa_required:
        return True
    return GroupMfaRequirement.objects.filter(group__user=user).exists()


def second_factor_required(*, user, application, acr_values: str | None) -> bool:
    """Whether this authorization request needs a sign-in with a second factor: the client's, the user's or the
    request's demand (``acr_values`` naming a multi-factor class, provider.acr)."""
    return getattr(application, "require_mfa", False) or mfa_requested(acr_values) or user_must_use_second_factor(user)
