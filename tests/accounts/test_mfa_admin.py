"""An admin requires a second factor of a user or a group, and removes a passkey a user lost, from the admin."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from accounts.mfa.models import GroupMfaRequirement, Passkey
from accounts.mfa.policy import user_must_use_second_factor
from audit.models import AuditEvent
from tests.admin_forms import user_change_form
from tests.factories import PasskeyFactory

pytestmark = pytest.mark.django_db


def test_an_admin_requires_a_second_factor_of_one_user(admin_client, user):
    url, data = user_change_form(admin_client, user, mfa_required="on")

    response = admin_client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    user.refresh_from_db()
    assert user_must_use_second_factor(user)


def test_an_admin_requires_a_second_factor_of_a_group(admin_client, user):
    group = Group.objects.create(name="Finance")
    user.groups.add(group)

    response = admin_client.post(reverse("admin:accounts_groupmfarequirement_add"), {"group": group.pk})

    assert response.status_code == 302
    assert GroupMfaRequirement.objects.filter(group=group).exists()
    assert user_must_use_second_factor(user)


def test_the_user_page_lists_the_passkeys_without_a_way_to_add_one(admin_client, user):
    PasskeyFactory(user=user, name="Lost phone")

    response = admin_client.get(reverse("admin:accounts_user_change", args=[user.pk]))

    assert "Lost phone" in response.content.decode()
    assert response.context["inline_admin_formsets"][0].formset.max_num == 0


def test_an_admin_removes_a_lost_passkey_and_it_is_audited(admin_client, admin_user, user):
    lost = PasskeyFactory(user=user, name="Lost phone")
    kept = PasskeyFactory(user=user, name="Laptop")
    url, data = user_change_form(admin_client, user)
    data.update(
        {
            "passkeys-TOTAL_FORMS": 2,
            "passkeys-INITIAL_FORMS": 2,
            "passkeys-0-id": lost.pk,
            "passkeys-0-user": user.pk,
            "passkeys-0-DELETE": "on",
            "passkeys-1-id": kept.pk,
            "passkeys-1-user": user.pk,
        }
    )

    response = admin_client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert list(Passkey.objects.filter(user=user)) == [kept]
    event = AuditEvent.objects.get(event=AuditEvent.Event.MFA_PASSKEY_REMOVED)
    assert event.user == user
    assert event.details == {"passkey": lost.pk, "name": "Lost phone"}
