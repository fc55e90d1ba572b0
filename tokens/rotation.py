"""Retiring a rotated refresh token in two statements, once its row is locked in this transaction.

DOT's rotation (``OAuth2Validator._save_bearer_token``) locks the refresh token it validated a second
time, locks the access token a previous rotation may have issued from it, then calls
``RefreshToken.revoke()``: a savepoint, a third lock, a load of the old access token, its delete and a
save of every column. None of that buys anything once ``provider.validator`` read the refresh token under
a lock, with its access token, in the transaction that rotates it: nobody else can rotate or revoke it
meanwhile. What is left is one UPDATE of the refresh token and the access token's ordinary delete.
"""

from django.utils import timezone


def refresh_token_retire(*, refresh_token) -> None:
    """Revoke ``refresh_token`` and delete its access token, as ``RefreshToken.revoke()`` does.

    The caller holds the row lock and has seen ``revoked`` unset under it. ``refresh_token.access_token``
    is the instance read with it (``tokens.selectors.refresh_token_presented``), so it needs no load.
    """
    now = timezone.now()
    previous_access_token = refresh_token.access_token
    # Clearing the pointer here, in the same UPDATE, leaves the delete below nothing to re-point but itself.
    type(refresh_token).objects.filter(pk=refresh_token.pk).update(revoked=now, updated=now, access_token=None)
    refresh_token.revoked = refresh_token.updated = now
    refresh_token.access_token = None
    if previous_access_token is not None:
        # Django's collector, with its signals (token_cache forgets the token in this process at once). It
        # also sends the SET NULL of RefreshToken.access_token, already done above: one statement more than
        # a raw delete, accepted rather than using the QuerySet's private fast-delete path.
        previous_access_token.delete()
