"""A ModelAdmin mixin that records the client changes an admin makes in the change form as audit events.

Secret rotation and retirement are recorded by their services (clients.secret_rotation), which do the
thing; this mixin records what the admin's own add, change and delete views save.
"""

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from audit.models import AuditEvent
from audit.services import record_event


def _changed_labels(form: forms.ModelForm) -> list[str]:
    """The changed fields as the admin's history names them (each field's label)."""
    return [str(form.fields[name].label or name) if name in form.fields else name for name in form.changed_data]


class ClientAuditAdminMixin(admin.ModelAdmin):
    """Put first in an OAuth client ModelAdmin's bases: adds, changes and deletions become audit events.

    The admin's save and delete hooks receive the request, so the event names the admin and the address
    they worked from.
    """

    def save_model(self, request: HttpRequest, obj: Any, form: forms.ModelForm, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if not change:
            record_event(
                event=AuditEvent.Event.CLIENT_CREATED,
                request=request,
                application=obj,
                client_type=getattr(obj, "client_type", ""),
                grant_types=getattr(obj, "grant_types", []),
            )
            return
        switched_off = "is_active" in form.changed_data and not getattr(obj, "is_active", True)
        record_event(
            event=AuditEvent.Event.CLIENT_RETIRED if switched_off else AuditEvent.Event.CLIENT_CHANGED,
            request=request,
            application=obj,
            changed_fields=_changed_labels(form),
        )

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        self._record_deletion(request, obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        for obj in queryset:
            self._record_deletion(request, obj)
        super().delete_queryset(request, queryset)

    @staticmethod
    def _record_deletion(request: HttpRequest, obj: Any) -> None:
        # Recorded before the row goes; the event keeps the client_id after it is gone.
        record_event(event=AuditEvent.Event.CLIENT_RETIRED, request=request, application=obj, deleted=True)
