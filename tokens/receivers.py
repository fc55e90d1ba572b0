"""Signal receivers: a changed password ends every session the old one opened at clients."""

from django.conf import settings
from django.db.models.signals import post_save
from django.dispatch import receiver

from tokens.services import user_tokens_revoke


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="tokens.revoke_on_password_change")
def revoke_tokens_on_password_change(sender, instance, created: bool, **kwargs) -> None:
    """Revoke all of a user's tokens once their password changed (ASVS 7.4.3 / 10.4: sessions end).

    Django keeps the new raw password in ``_password`` from ``set_password()`` until the save that
    stores it, and clears it for the silent re-hash on login (``check_password``'s setter), so this
    fires for real changes only: the password page, password reset, admin, or ``set_password()`` in code.
    """
    if created or getattr(instance, "_password", None) is None:
        return
    user_tokens_revoke(user=instance)
