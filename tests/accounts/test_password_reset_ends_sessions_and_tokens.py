"""A completed reset ends every session and every token of the account, the resetting browser's included."""

import re

import pytest
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.test import Client
from django.urls import reverse
from oauth2_provider.models import get_access_token_model, get_refresh_token_model

from audit.models import AuditEvent
from tests.factories import UserFactory
from tests.flows import token_request, tokens_for

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-brand-new-passphrase-42"


def reset_password(http: Client, user) -> None:
    """Ask for a link, follow it and set NEW_PASSWORD, all in ``http``."""
    http.post(reverse("password_reset"), {"email": user.email})
    link = re.search(r"http://testserver(/\S+)", mail.outbox[-1].body).group(1)
    form = http.get(link)["Location"]
    done = http.post(form, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done.status_code == 302


def is_signed_in(http: Client) -> bool:
    """Whether the browser still gets the authorized-apps page rather than a redirect to sign in."""
    return http.get(reverse("authorized-apps")).status_code == 200


def test_sessions_on_other_devices_are_signed_out(client, user, browser):
    laptop = Client()
    laptop.force_login(user)
    assert is_signed_in(browser)
    assert is_signed_in(laptop)

    reset_password(client, user)

    assert not is_signed_in(browser)
    assert not is_signed_in(laptop)


def test_another_users_session_is_untouched(client, user):
    bob = UserFactory(username="bob")
    bobs_browser = Client()
    bobs_browser.force_login(bob)

    reset_password(client, user)

    assert is_signed_in(bobs_browser)


def test_the_resetting_browser_signed_in_as_the_user_is_signed_out_and_the_sign_out_recorded(browser, user):
    reset_password(browser, user)

    assert SESSION_KEY not in browser.session
    assert not is_signed_in(browser)
    assert AuditEvent.objects.filter(event=AuditEvent.Event.LOGOUT, user=user).exists()


def test_the_resetting_browser_signed_in_as_someone_else_is_signed_out_too(user):
    """A shared computer: whoever was signed in there, the person who reset is told to sign in afresh."""
    shared = Client()
    shared.force_login(UserFactory(username="bob"))

    reset_password(shared, user)

    assert SESSION_KEY not in shared.session


def test_an_anonymous_resetting_browser_records_no_sign_out(client, user):
    reset_password(client, user)

    assert not AuditEvent.objects.filter(event=AuditEvent.Event.LOGOUT).exists()


def test_the_new_password_signs_in(client, user):
    reset_password(client, user)

    response = client.post(reverse("login"), {"username": user.username, "password": NEW_PASSWORD})

    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(user.pk)


def test_every_token_of_the_user_is_revoked(client, user, browser, web_app):
    issued = tokens_for(browser, client, web_app, scope="openid profile")
    assert get_access_token_model().objects.filter(user=user).exists()

    reset_password(Client(), user)

    assert not get_access_token_model().objects.filter(user=user).exists()
    assert not get_refresh_token_model().objects.filter(user=user, revoked__isnull=True).exists()
    refresh = {"grant_type": "refresh_token", "refresh_token": issued["refresh_token"]}
    refreshed = token_request(client, web_app, refresh)
    assert refreshed.status_code == 400
    assert refreshed.json()["error"] == "invalid_grant"


def test_another_users_tokens_survive(client, user, web_app):
    bob = UserFactory(username="bob")
    bobs_browser = Client()
    bobs_browser.force_login(bob)
    tokens_for(bobs_browser, client, web_app, scope="openid")

    reset_password(Client(), user)

    assert get_access_token_model().objects.filter(user=bob).exists()
