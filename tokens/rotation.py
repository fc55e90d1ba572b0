"""Retiring a rotated refresh token in two statements, once its row is locked in this transaction.

DOT's rotation (``OAuth2Validator._save_bearer_token``, oauth2_provider 3.4.1) locks the refresh token it
validated a second time, locks the access token a previous rotation may have issued from it, then calls
``RefreshToken.revoke()``: a savepoint, a third lock, a load of the old access token, its delete through
Django's collector (one UPDATE per table that refers to it, then the DELETE) and a save of every column.
Eight statements buy nothing once ``provider.validator`` read the refresh token under a lock, with its access
token, in the transaction that rotates it: nobody else can rotate or revoke it meanwhile.
"""

from functools import cache

from django.db import models, router
from django.db.models.signals import post_delete, pre_delete
from django.utils import timezone
from oauth2_provider.models import get_refresh_token_model


def refresh_token_retire(*, refresh_token) -> None:
    """Revoke ``refresh_token`` and delete its access token, as ``RefreshToken.revoke()`` does.

    The caller holds the row lock and has seen ``revoked`` unset under it. ``refresh_token.access_token``
    is the instance read with it (``tokens.selectors.refresh_token_presented``), so it needs no load.
    """
    now = timezone.now()
    previous_access_token = refresh_token.access_token
    # Clearing the pointer here is the SET NULL the collector would otherwise send in a statement of its own.
    type(refresh_token).objects.filter(pk=refresh_token.pk).update(revoked=now, updated=now, access_token=None)
    refresh_token.revoked = refresh_token.updated = now
    refresh_token.access_token = None
    if previous_access_token is not None:
        _access_token_delete(previous_access_token)


def _access_token_delete(access_token) -> None:
    model = type(access_token)
    if not _only_the_refresh_token_refers_to(model):
        access_token.delete()  # something else refers to access tokens: let Django's collector handle it
        return
    using = router.db_for_write(model)
    # The collector's signals, sent the same way: token_cache forgets the token in this process at once.
    pre_delete.send(sender=model, instance=access_token, using=using, origin=access_token)
    # Django's own fast-delete path (Collector.delete uses it when nothing depends on a row).
    deleted = model.objects.filter(pk=access_token.pk)._raw_delete(using)
    if deleted:
        post_delete.send(sender=model, instance=access_token, using=using, origin=access_token)


@cache
def _only_the_refresh_token_refers_to(model: type[models.Model]) -> bool:
    """Whether deleting an access token needs nothing but clearing ``RefreshToken.access_token``.

    The same relations the collector walks (``django.db.models.deletion.get_candidate_relations_to_delete``):
    ``RefreshToken.access_token`` (one-to-one, so only the rotated token points at it, and that pointer was
    just cleared) and relations that ask for nothing on delete (``tokens.models.TokenFamily``).
    """
    refresh_token_field = get_refresh_token_model()._meta.get_field("access_token")
    if model._meta.parents or model._meta.private_fields:
        return False
    for relation in model._meta.get_fields(include_hidden=True):
        if not (relation.auto_created and not relation.concrete and (relation.one_to_one or relation.one_to_many)):
            continue
        if relation.field is not refresh_token_field and relation.on_delete is not models.DO_NOTHING:
            return False
    return True
