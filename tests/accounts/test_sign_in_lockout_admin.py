"""Admins see current sign-in lockouts, whether each still holds, and can lift one."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import SignInLockout
from audit.models import AuditEvent
from tests.factories import USER_PASSWORD, UserFactory
from tests.idp import set_idp

pytestmark = pytest.mark.django_db

ADDRESS = "198.51.100.9"
CHANGELIST = "admin:accounts_signinlockout_changelist"


@pytest.fixture(autouse=True)
def small_limits(settings) -> None:
    set_idp(settings, LOGIN_MAX_FAILURES_PER_ACCOUNT=3)
    set_idp(settings, LOGIN_MAX_FAILURES_PER_IP=5)


def sign_in(username: str, password: str, address: str = ADDRESS):
    return Client().post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address)


def rows(admin_client) -> dict[str, tuple]:
    """The changelist as {what is locked out: (account, address, in force)}."""
    response = admin_client.get(reverse(CHANGELIST))
    assert response.status_code == 200
    admin = response.context["cl"].model_admin
    return {
        str(admin.locked_out(lockout)): (lockout.user, lockout.ip, admin.in_force(lockout))
        for lockout in response.context["cl"].result_list
    }


def test_an_account_lockout_and_an_address_lockout_are_listed_as_in_force(admin_client, user):
    for _ in range(3):
        sign_in("alice", "wrong", "203.0.113.1")
    for n in range(5):
        sign_in(f"guess-{n}", "wrong")

    assert rows(admin_client) == {"account name": (user, "203.0.113.1", True), "address": (None, ADDRESS, True)}


def test_lifting_an_account_lockout_lets_the_person_sign_in_again(admin_client, user):
    for _ in range(3):
        sign_in("alice", "wrong")
    lockout = SignInLockout.objects.get()

    response = admin_client.post(
        reverse(CHANGELIST), {"action": "lift", "_selected_action": [lockout.pk]}, follow=True
    )

    assert "Lifted 1 lockouts." in [str(message) for message in response.context["messages"]]
    assert rows(admin_client)["account name"][2] is False
    assert sign_in("alice", USER_PASSWORD).status_code == 302


def test_a_lockout_of_a_name_without_an_account_is_listed_without_naming_it(admin_client, db):
    for _ in range(3):
        sign_in("typed-my-password-here", "wrong")

    response = admin_client.get(reverse(CHANGELIST))

    assert rows(admin_client) == {"account name": (None, ADDRESS, None)}
    assert b"typed-my-password-here" not in response.content


def test_lockouts_older_than_the_cool_off_are_left_to_the_audit_trail(admin_client, db):
    SignInLockout.objects.create(
        event=AuditEvent.Event.THROTTLE_TRIGGERED,
        created=timezone.now() - timedelta(hours=1),
        ip=ADDRESS,
        details={"limit": "login:ip", "max_failures": 5, "window_seconds": 900},
    )

    assert rows(admin_client) == {}


def test_only_staff_who_may_change_users_can_lift_lockouts(db):
    staff = UserFactory(username="helpdesk", is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="view_signinlockout"))
    http = Client()
    http.force_login(staff)

    response = http.get(reverse(CHANGELIST))

    assert response.status_code == 200
    assert "lift" not in response.context["cl"].model_admin.get_actions(response.wsgi_request)
