"""Signal receivers: credentials or access withdrawn end every token they opened, whatever path did it."""

from django.conf import settings
from django.db.models.signals import post_save
from django.dispatch import receiver
from oauth2_provider.settings import oauth2_settings

from tokens.services import tokens_revoke


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="tokens.revoke_user_tokens")
def revoke_tokens_of_changed_account(sender, instance, created: bool, **kwargs) -> None:
    """A deactivated account or a changed password revokes all the user's tokens (ASVS 7.4.2, 7.4.3).

    Django keeps the new raw password in ``_password`` from ``set_password()`` until the save that
    stores it, and clears it for the silent re-hash on sign-in (``check_password``'s setter), so only
    real changes count: the password page, password reset, the admin, or ``set_password()`` in code.
    Receiving the signal (rather than hooking each page) covers every one of those paths.
    """
    if created:
        return
    if not instance.is_active or getattr(instance, "_password", None) is not None:
        tokens_revoke(user=instance)


@receiver(post_save, sender=oauth2_settings.APPLICATION_MODEL, dispatch_uid="tokens.revoke_client_tokens")
def revoke_tokens_of_disabled_client(sender, instance, created: bool, **kwargs) -> None:
    """Disabling a client revokes its tokens, so re-enabling it later does not bring them back."""
    if not created and not instance.is_active:
        tokens_revoke(application=instance)
