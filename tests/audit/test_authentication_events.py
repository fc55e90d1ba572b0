"""Sign-in, sign-out and account events land in the audit trail with the account and address."""

import pytest
from django.test import Client
from django.urls import reverse

from audit.models import AuditEvent
from tests.factories import USER_PASSWORD

pytestmark = pytest.mark.django_db

Event = AuditEvent.Event


def sign_in(http: Client, username: str, password: str):
    return http.post(reverse("login"), {"username": username, "password": password}, HTTP_USER_AGENT="Firefox/1")


def test_a_successful_sign_in_is_recorded_with_account_ip_and_user_agent(client, user):
    sign_in(client, "alice", USER_PASSWORD)

    event = AuditEvent.objects.get(event=Event.LOGIN_SUCCEEDED)
    assert (event.user, event.ip, event.user_agent) == (user, "127.0.0.1", "Firefox/1")


def test_a_wrong_password_is_recorded_against_the_existing_account(client, user):
    sign_in(client, "alice", "wrong")

    event = AuditEvent.objects.get(event=Event.LOGIN_FAILED)
    assert event.user == user
    assert event.details == {"path": "/accounts/login/", "known_account": True}


def test_an_unknown_username_is_recorded_without_storing_what_was_typed(client, user):
    sign_in(client, "typed-my-password-here", "wrong")

    event = AuditEvent.objects.get(event=Event.LOGIN_FAILED)
    assert event.user is None
    assert "typed-my-password-here" not in str(event.details)


def test_signing_out_is_recorded(browser, user):
    browser.post(reverse("logout"))

    assert AuditEvent.objects.filter(event=Event.LOGOUT, user=user).exists()


def test_deactivating_a_user_is_recorded_once(user):
    user.is_active = False
    user.save()
    user.save()

    assert AuditEvent.objects.filter(event=Event.USER_DEACTIVATED, user=user).count() == 1


def test_saving_an_active_user_records_nothing(user):
    user.first_name = "Alicia"
    user.save()

    assert not AuditEvent.objects.filter(event=Event.USER_DEACTIVATED).exists()
