"""User admin."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.services import user_deactivate


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """Django's user admin plus the OIDC email_verified flag."""

    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        (_("OpenID Connect"), {"fields": ("email_verified",)}),
    )
    list_display = ("username", "email", "first_name", "last_name", "is_active", "is_staff")
    actions = ["deactivate_users"]

    @admin.action(description=_("Deactivate selected users and revoke all their tokens"), permissions=["change"])
    def deactivate_users(self, request, queryset) -> None:
        for user in queryset.filter(is_active=True):
            user_deactivate(user=user)
        self.message_user(request, _("Deactivated; their tokens at every client are revoked."))
