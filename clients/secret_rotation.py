"""Client-secret rotation with overlap: a new secret now, the replaced one still accepted for a while."""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.hashers import check_password, identify_hasher, make_password
from django.db import transaction
from django.utils import timezone
from oauth2_provider.generators import generate_client_secret

from audit.models import AuditEvent
from audit.services import record_event
from clients.models import Application, ClientSecretRotation
from clients.sealed_secrets import secret_unseal

DEFAULT_OVERLAP = timedelta(days=7)
MAX_OVERLAP = timedelta(days=90)


class SecretRotationError(Exception):
    """A rotation that cannot happen, with a message an admin can act on."""


def _hashed(stored_secret: str) -> str:
    """The stored secret as a hash (a plain value, which we never write ourselves, is hashed first)."""
    try:
        identify_hasher(stored_secret)
    except ValueError:
        return make_password(stored_secret, hasher=settings.OAUTH2_PROVIDER["CLIENT_SECRET_HASHER"])
    return stored_secret


@transaction.atomic
def client_secret_rotate(
    *, application: Application, rotated_by, overlap: timedelta = DEFAULT_OVERLAP, request=None
) -> tuple[str, ClientSecretRotation]:
    """Give ``application`` a new secret; return it in plain text (the only time it exists unhashed) and the record.

    The replaced secret keeps authenticating for ``overlap`` (zero: it stops now, for a leaked secret).
    ``request``, when the rotation comes from a page, gives the audit event its address.
    """
    if not timedelta(0) <= overlap <= MAX_OVERLAP:
        raise SecretRotationError(f"The overlap must be between 0 and {MAX_OVERLAP.days} days.")
    # Lock the client so two admins rotating at once cannot both record the same replaced secret.
    client = Application.objects.select_for_update().get(pk=application.pk)
    if client.client_type != Application.CLIENT_CONFIDENTIAL or not client.client_secret:
        raise SecretRotationError("Only a confidential client has a secret to rotate.")
    now = timezone.now()
    rotation = ClientSecretRotation.objects.create(
        application=client,
        previous_secret=_hashed(client.client_secret),
        previous_secret_sealed=client.client_secret_sealed,
        rotated_at=now,
        rotated_by=rotated_by,
        expires_at=now + overlap,
    )
    plain = generate_client_secret()
    client.client_secret = plain  # DOT's ClientSecretField hashes it with CLIENT_SECRET_HASHER on save
    client.save(update_fields=["client_secret", "updated"])
    application.client_secret = client.client_secret
    record_event(
        event=AuditEvent.Event.CLIENT_SECRET_RESET,
        request=request,
        user=rotated_by,
        application=client,
        action="rotated",
        overlap_seconds=int(overlap.total_seconds()),
    )
    return plain, rotation


@transaction.atomic
def client_secret_retire(*, rotation: ClientSecretRotation, retired_by, request=None) -> bool:
    """Stop accepting the secret ``rotation`` replaced; False when it had already stopped."""
    updated = ClientSecretRotation.objects.filter(
        pk=rotation.pk, retired_at__isnull=True, expires_at__gt=timezone.now()
    ).update(retired_at=timezone.now(), retired_by=retired_by, previous_secret_sealed="")
    if updated:
        record_event(
            event=AuditEvent.Event.CLIENT_SECRET_RESET,
            request=request,
            user=retired_by,
            application=rotation.application,
            action="previous secret retired",
        )
    return bool(updated)


def previous_secret_matches(*, application: Application, secret: str) -> bool:
    """Whether ``secret`` is one of ``application``'s replaced secrets that is neither expired nor retired."""
    live = ClientSecretRotation.objects.filter(
        application=application, retired_at__isnull=True, expires_at__gt=timezone.now()
    ).values_list("previous_secret", flat=True)
    # No short-circuit: checking every live hash keeps the time independent of which one matched.
    matches = [check_password(secret, hashed) for hashed in live]
    return any(matches)


def client_secret_jwt_secrets(*, application: Application) -> list[str]:
    """The secrets a client_secret_jwt assertion of ``application`` may be keyed with: its own, then replaced ones.

    Each is unsealed (clients.sealed_secrets); a replaced secret counts while it is neither expired nor retired,
    exactly as for a secret sent directly.
    """
    sealed = [application.client_secret_sealed]
    sealed += ClientSecretRotation.objects.filter(
        application=application, retired_at__isnull=True, expires_at__gt=timezone.now()
    ).values_list("previous_secret_sealed", flat=True)
    secrets = [secret_unseal(sealed=value, client_id=application.client_id) for value in sealed if value]
    return [secret for secret in secrets if secret]
