"""The admin's user change form as a browser posts it back: every field the page holds, and its inline's forms."""

from django.urls import reverse

CHECKBOXES = ("is_active", "is_staff", "is_superuser", "email_verified", "mfa_required")


def user_change_form(admin_client, user, **changes) -> tuple[str, dict]:
    """The change page's URL and its POST data for ``user``, with ``changes`` applied (a checkbox: "on" or absent)."""
    url = reverse("admin:accounts_user_change", args=[user.pk])
    form = admin_client.get(url).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None}
    for name in CHECKBOXES:
        if data.get(name):
            data[name] = "on"
        else:
            data.pop(name, None)
    data.update(
        groups=[],
        user_permissions=[],
        last_login_0="",
        last_login_1="",
        date_joined_0=f"{user.date_joined:%Y-%m-%d}",
        date_joined_1=f"{user.date_joined:%H:%M:%S}",
    )
    # The passkeys inline (accounts.admin.PasskeyInline): its management form, with no passkey forms.
    data.update({"passkeys-TOTAL_FORMS": 0, "passkeys-INITIAL_FORMS": 0})
    data.update({"passkeys-MIN_NUM_FORMS": 0, "passkeys-MAX_NUM_FORMS": 0})
    for name, value in changes.items():
        if value is None:
            data.pop(name, None)
        else:
            data[name] = value
    return url, data
