"""A lost refresh response, recovered: a client's retry window, an admin's per-client opt-in.

RFC 9700 §4.14.2: a rotated refresh token presented again means two parties hold it, so the whole chain
is revoked. But a client whose refresh response never arrived (a dropped connection, an app node that died
mid-request after its commit) holds only the old token, and its honest retry looks exactly like that.
For a client an admin gave a retry window (``Application.refresh_token_retry_seconds``), a rotated token
presented again within that many seconds of its rotation is a retry, not a replay, when the refresh
token its rotation issued is unused: that token is revoked (with its access token) and a new pair is
issued from the old token in its place, so the chain still has exactly one live refresh token.

What is given up, and why it is opt-in: a thief who uses a stolen token within the window gets a pair,
and the theft is caught at the client's next refresh (its token is then the revoked successor, a
replay) instead of at once. Once the successor was used, a retry is a replay as before.
"""

from datetime import timedelta

from django.db import connections, router
from django.utils import timezone
from oauth2_provider.models import get_refresh_token_model


def retried_successor(*, refresh_token, client):
    """The unused refresh token the rotation of ``refresh_token`` issued, locked, when presenting
    ``refresh_token`` again is a retry within ``client``'s window; else None (a replay).

    The caller holds ``refresh_token``'s row lock in the token request's transaction, so no other request
    can rotate or retry it meanwhile; the successor is locked here, so nobody can use it meanwhile either.
    """
    window = getattr(client, "refresh_token_retry_seconds", 0) or 0
    if (
        window <= 0
        or refresh_token.application_id != client.pk
        or refresh_token.revoked is None
        or refresh_token.revoked <= timezone.now() - timedelta(seconds=window)
    ):
        return None
    # The rotation's pair: the access token issued from this refresh token, and the refresh token issued
    # with that access token. Unused means unrevoked: using it rotates it, which revokes it.
    model = get_refresh_token_model()
    of = ("self",) if connections[router.db_for_write(model)].features.has_select_for_update_of else ()
    return (
        model.objects.select_for_update(of=of)
        .select_related("access_token")
        .filter(access_token__source_refresh_token=refresh_token, revoked__isnull=True)
        .first()
    )
