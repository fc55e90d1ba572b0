"""Remembered consents in the admin: visible for support, deletable (the user is then asked again)."""

from django.contrib import admin

from consent.models import Consent


@admin.register(Consent)
class ConsentAdmin(admin.ModelAdmin):
    """Read-only: only the user approves; an admin may only delete (forget) a consent."""

    list_display = ("user", "application", "scope_list", "created", "updated")
    list_filter = ("application",)
    search_fields = ("user__username", "application__name", "application__client_id")
    readonly_fields = ("user", "application", "scopes", "created", "updated")

    @admin.display(description="scopes")
    def scope_list(self, obj: Consent) -> str:
        return " ".join(obj.scopes)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
