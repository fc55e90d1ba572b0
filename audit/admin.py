"""The audit trail in the admin: searchable and filterable, and read-only for everyone."""

import json

from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Audit events can be viewed, searched and filtered; nobody can add, change or delete one here."""

    list_display = ("created", "event", "user", "client_id", "ip", "short_details")
    list_filter = (
        "event",
        ("created", admin.DateFieldListFilter),
        ("application", admin.RelatedOnlyFieldListFilter),
        ("user", admin.RelatedOnlyFieldListFilter),
    )
    search_fields = ("user__username", "client_id", "ip")
    date_hierarchy = "created"
    list_select_related = ("user", "application")
    fields = ("created", "event", "user", "application", "client_id", "ip", "user_agent", "pretty_details")
    readonly_fields = fields
    show_full_result_count = False  # COUNT(*) over a large trail on every page would be slow

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("details"))
    def short_details(self, obj: AuditEvent) -> str:
        # A glimpse that fits a list at 1280 px; the event's page shows every detail.
        text = ", ".join(f"{key}={value}" for key, value in obj.details.items())
        return text if len(text) <= 80 else f"{text[:79]}…"

    @admin.display(description=_("details"))
    def pretty_details(self, obj: AuditEvent) -> str:
        return format_html("<pre>{}</pre>", json.dumps(obj.details, indent=2, sort_keys=True))
