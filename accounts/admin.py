"""User admin."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from accounts.models import User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """Django's user admin plus the OIDC email_verified flag."""

    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        (_("OpenID Connect"), {"fields": ("email_verified",)}),
    )
    list_display = ("username", "email", "first_name", "last_name", "is_active", "is_staff")
