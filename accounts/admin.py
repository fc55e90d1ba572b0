"""User admin (with the MFA requirement and passkeys), groups that must use MFA, sessions and sign-in lockouts."""

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_cool_off
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.forms.models import BaseInlineFormSet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.mfa.models import GroupMfaRequirement, Passkey
from accounts.mfa.passkeys import passkey_remove
from accounts.models import SignInLockout, User, UserSession
from accounts.services import user_deactivate
from accounts.sessions import sessions_end, user_sessions_end
from accounts.sign_in_lockout import lockout_retry_after


class PasskeyFormSet(BaseInlineFormSet):
    """Removing a passkey here goes through the service the account page uses, so it is audited the same way."""

    def delete_existing(self, obj, commit=True):
        if commit:
            passkey_remove(request=self.request, user=obj.user, passkey_id=obj.pk)


class PasskeyInline(admin.TabularInline):
    """A user's passkeys, to remove one the user lost (they add their own from the account page)."""

    model = Passkey
    formset = PasskeyFormSet
    fields = ("name", "backed_up", "created", "last_used_at")
    readonly_fields = fields
    extra = 0
    max_num = 0  # no adding here: a passkey is made by the user's authenticator
    verbose_name_plural = _("passkeys (tick Delete to remove one the user lost)")

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.request = request
        return formset


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """Django's user admin plus the OIDC email_verified flag, the MFA requirement and the user's passkeys."""

    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        (_("OpenID Connect"), {"fields": ("email_verified",)}),
        (_("Two-step sign-in"), {"fields": ("mfa_required",)}),
    )
    inlines = [PasskeyInline]
    list_display = ("username", "email", "first_name", "last_name", "is_active", "is_staff", "mfa_required")
    list_filter = (*DjangoUserAdmin.list_filter, "mfa_required")
    actions = ["deactivate_users", "end_sessions"]

    @admin.action(description=_("Deactivate selected users and revoke all their tokens"), permissions=["change"])
    def deactivate_users(self, request, queryset) -> None:
        for user in queryset.filter(is_active=True):
            user_deactivate(user=user)
        self.message_user(request, _("Deactivated; their tokens at every client are revoked."))

    @admin.action(description=_("Sign selected users out of every session"), permissions=["change"])
    def end_sessions(self, request, queryset) -> None:
        ended = sum(user_sessions_end(user=user, request=request) for user in queryset)
        self.message_user(request, _("%(count)d sessions ended; clients were told.") % {"count": ended})


@admin.register(UserSession)
class UserSessionAdmin(admin.ModelAdmin):
    """Sign-in sessions (accounts.sessions): who, from where, since when; the one action ends them."""

    list_display = ("user", "created", "last_seen", "user_agent", "client_address", "ended")
    list_filter = (("ended", admin.EmptyFieldListFilter),)
    list_select_related = ("user",)
    search_fields = ("user__username", "client_address")
    readonly_fields = ("user", "sid", "user_agent", "client_address", "created", "last_seen", "ended")
    actions = ["end"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.action(description=_("End selected sessions"), permissions=["change"])
    def end(self, request, queryset) -> None:
        ended = sessions_end(sessions=queryset, request=request)
        self.message_user(request, _("%(count)d sessions ended; clients were told.") % {"count": ended})


@admin.register(SignInLockout)
class SignInLockoutAdmin(admin.ModelAdmin):
    """Sign-in lockouts that started within the last cool-off period, with whether each still holds.

    Read-only like the audit trail it comes from. The one action lifts a lockout (axes' reset, as its
    ``axes_reset_username`` and ``axes_reset_ip`` commands do) for whoever may change users. A lockout of a
    name with no account cannot be lifted here: the typed name is never stored.
    """

    list_display = ("created", "locked_out", "user", "ip", "ends", "in_force")
    list_select_related = ("user",)
    search_fields = ("user__username", "ip")
    actions = ["lift"]

    def get_queryset(self, request):
        # Older lockouts have run out by themselves; the audit trail keeps them all.
        cool_off = get_cool_off(request)
        return super().get_queryset(request).filter(created__gte=timezone.now() - cool_off)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_lift_permission(self, request) -> bool:
        return request.user.has_perm("accounts.change_user")

    @admin.display(description=_("locked out"))
    def locked_out(self, obj: SignInLockout) -> str:
        return _("account name") if obj.by_account else _("address")

    @admin.display(description=_("ends"))
    def ends(self, obj: SignInLockout):
        return obj.ends

    @admin.display(description=_("in force"), boolean=True)
    def in_force(self, obj: SignInLockout) -> bool | None:
        if obj.by_account:
            if obj.user is None:
                return None  # unknown: the name is not stored, and no account has it
            return lockout_retry_after(username=obj.user.get_username()) > 0
        return lockout_retry_after(ip_address=obj.ip) > 0 if obj.ip else None

    @admin.action(description=_("Lift the selected lockouts"), permissions=["lift"])
    def lift(self, request, queryset) -> None:
        lifted = skipped = 0
        for lockout in queryset:
            if lockout.by_account and lockout.user is not None:
                lifted += AxesProxyHandler.reset_attempts(username=lockout.user.get_username())
            elif not lockout.by_account and lockout.ip:
                lifted += AxesProxyHandler.reset_attempts(ip_address=lockout.ip)
            else:
                skipped += 1
        self.message_user(request, _("Lifted %(count)d lockouts.") % {"count": lifted})
        if skipped:
            self.message_user(
                request,
                _("%(count)d lockouts of names with no account cannot be lifted: the name is not stored.")
                % {"count": skipped},
                messages.WARNING,
            )


@admin.register(GroupMfaRequirement)
class GroupMfaRequirementAdmin(admin.ModelAdmin):
    """The groups whose members must sign in with a second factor (accounts.mfa.policy): add or remove a group."""

    list_display = ("group",)
    autocomplete_fields = ("group",)
