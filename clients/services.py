"""Registering and disabling clients outside the admin (the operator's command line), with their audit events.

The admin's own pages record their events in audit.admin_hooks; secret rotation lives in clients.secret_rotation.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from oauth2_provider.generators import generate_client_secret

from audit.models import AuditEvent
from audit.services import record_event
from clients.admin import ApplicationAdminForm
from clients.models import Application


@transaction.atomic
def client_create(*, data: dict[str, Any], created_by=None, request=None) -> tuple[Application, str]:
    """Register a client from ``data`` as the admin's add form takes it; return it and its secret in plain text.

    The admin's own form validates ``data``, so nothing is created here that the admin would refuse (grant
    and client-type rules, declared scopes, redirect URI rules); a refusal raises ValidationError with the
    form's errors by field. The secret (empty for a public client) exists unhashed only in the return value:
    DOT's ClientSecretField stores its hash.
    """
    form = ApplicationAdminForm(data=data)
    if not form.is_valid():
        raise ValidationError(form.errors.as_data())
    application = form.save(commit=False)
    plain = generate_client_secret() if application.client_type == Application.CLIENT_CONFIDENTIAL else ""
    application.client_secret = plain
    application.save()
    record_event(
        event=AuditEvent.Event.CLIENT_CREATED,
        request=request,
        user=created_by,
        application=application,
        client_type=application.client_type,
        grant_types=application.grant_types,
    )
    return application, plain


@transaction.atomic
def client_disable(*, application: Application, disabled_by=None, request=None) -> bool:
    """Switch ``application`` off; False when it already was.

    A disabled client cannot authenticate or use its tokens (Application.is_usable), and saving it disabled
    makes tokens.receivers revoke every token it holds, in this transaction.
    """
    # Locked, so two operators disabling at once record one event, not two.
    client = Application.objects.select_for_update().get(pk=application.pk)
    if not client.is_active:
        return False
    client.is_active = False
    client.save(update_fields=["is_active", "updated"])
    application.is_active = False
    record_event(
        event=AuditEvent.Event.CLIENT_RETIRED,
        request=request,
        user=disabled_by,
        application=client,
        changed_fields=[str(Application._meta.get_field("is_active").verbose_name)],
    )
    return True
