"""Who must use a second factor: the user (User.mfa_required), one of their groups, the client, or the request."""

from accounts.mfa.models import GroupMfaRequirement, Passkey
from accounts.mfa.totp import totp_device


def user_has_second_factor(user) -> bool:
    """Whether the user enrolled a TOTP device or a passkey."""
    return totp_device(user=user) is not None or Passkey.objects.filter(user=user).exists()


def user_must_use_second_factor(user) -> bool:
    """Whether an admin requires a second factor of this user, directly or through a group."""
    if user.mfa_required:
        return True
    return GroupMfaRequirement.objects.filter(group__user=user).exists()
