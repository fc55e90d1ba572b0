"""Model signals that make this process forget what it cached, the moment it changes a row itself.

Other processes learn of the change from the invalidation feed, which database triggers write
(token_cache.models on PostgreSQL, token_cache.triggers on SQLite) for every UPDATE and DELETE however
it is made. These receivers only spare the process that made the change the wait for its next read of
the feed, so a revocation answered by this process is refused by this process at once.
"""

from django.conf import settings
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from oauth2_provider.settings import oauth2_settings

from token_cache.cache import access_tokens
from token_cache.models import InvalidationEvent

Kind = InvalidationEvent.Kind


@receiver(post_delete, sender=oauth2_settings.ACCESS_TOKEN_MODEL, dispatch_uid="token_cache.access_token_deleted")
def access_token_deleted(sender, instance, **kwargs) -> None:
    """Revocation, rotation, logout, expiry clean-up and cascades all end in deleting the row."""
    access_tokens.drop(Kind.TOKEN, instance.pk)


@receiver(post_save, sender=oauth2_settings.ACCESS_TOKEN_MODEL, dispatch_uid="token_cache.access_token_saved")
def access_token_saved(sender, instance, created: bool, **kwargs) -> None:
    # A new token cannot be cached yet, but its value may have been refused (one chosen by an admin, say,
    # and presented before it existed); a changed one (scope, expiry, value) may be cached.
    if created:
        access_tokens.forget_refusal(instance.token_checksum)
    else:
        access_tokens.drop(Kind.TOKEN, instance.pk)


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="token_cache.user_saved")
@receiver(post_delete, sender=settings.AUTH_USER_MODEL, dispatch_uid="token_cache.user_deleted")
def user_changed(sender, instance, **kwargs) -> None:
    # request.user comes from the user cache and every token record holds its user's is_active:
    # deactivation and profile changes must both show at once.
    access_tokens.drop(Kind.USER, instance.pk)


@receiver(post_save, sender=oauth2_settings.APPLICATION_MODEL, dispatch_uid="token_cache.application_saved")
@receiver(post_delete, sender=oauth2_settings.APPLICATION_MODEL, dispatch_uid="token_cache.application_deleted")
def application_changed(sender, instance, **kwargs) -> None:
    # Token records hold their client's usability and the client cache serves client lookups: a disabled
    # client's tokens must stop working, and changed scopes, grants or secrets must show too.
    access_tokens.drop(Kind.APPLICATION, instance.pk)
