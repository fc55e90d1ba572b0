"""A ModelAdmin mixin that records client changes made in the admin as audit events."""

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from audit.models import AuditEvent
from audit.services import record_event


def _changed_fields(message: Any) -> list[str]:
    """Field names from the admin's structured change message (``[{"changed": {"fields": [...]}}]``)."""
    fields: list[str] = []
    for entry in message if isinstance(message, list) else []:
        fields.extend(entry.get("changed", {}).get("fields", []))
    return fields


def _change_event(obj: Any, fields: list[str]) -> str:
    """Which client event a change is: a secret rotation or retirement, switching the client off, or an edit."""
    labels = {str(field).casefold() for field in fields}
    # The secret-rotation pages (clients.secret_rotation_admin) log their changes as "client secret (...)".
    if any("secret" in label for label in labels):
        return AuditEvent.Event.CLIENT_SECRET_RESET
    active_label = str(obj._meta.get_field("is_active").verbose_name).casefold() if hasattr(obj, "is_active") else None
    if active_label in labels and not obj.is_active:
        return AuditEvent.Event.CLIENT_RETIRED
    return AuditEvent.Event.CLIENT_CHANGED


class ClientAuditAdminMixin(admin.ModelAdmin):
    """Put first in an OAuth client ModelAdmin's bases: adds, changes and deletions become audit events.

    Uses the admin's own logging hooks, which receive the request, so the event names the admin and
    the address they worked from.
    """

    def log_addition(self, request: HttpRequest, obj: Any, message: Any):
        entry = super().log_addition(request, obj, message)
        record_event(
            event=AuditEvent.Event.CLIENT_CREATED,
            request=request,
            application=obj,
            client_type=getattr(obj, "client_type", ""),
            grant_types=getattr(obj, "grant_types", []),
        )
        return entry

    def log_change(self, request: HttpRequest, obj: Any, message: Any):
        entry = super().log_change(request, obj, message)
        fields = _changed_fields(message)
        record_event(event=_change_event(obj, fields), request=request, application=obj, changed_fields=fields)
        return entry

    def log_deletions(self, request: HttpRequest, queryset: QuerySet):
        entries = super().log_deletions(request, queryset)
        for obj in queryset:
            # Called before the deletion; the event keeps the client_id after the row is gone.
            record_event(event=AuditEvent.Event.CLIENT_RETIRED, request=request, application=obj, deleted=True)
        return entries
