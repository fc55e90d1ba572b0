"""The reset link: sets a new password once, expires, and dies when the account or its address changes."""

import re
from datetime import datetime, timedelta

import pytest
from django.contrib.auth.tokens import PasswordResetTokenGenerator, default_token_generator
from django.core import mail
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.password_reset import PasswordResetConfirmView
from audit.models import AuditEvent
from tests.factories import USER_PASSWORD

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-brand-new-passphrase-42"
DEAD_LINK = "This link no longer works"


class TokensFromLastHour(PasswordResetTokenGenerator):
    """Django's generator with its clock set back just past the one-hour timeout (a subclass, no patching)."""

    def _now(self) -> datetime:
        return super()._now() - timedelta(seconds=3601)


def mailed_link(client, user) -> str:
    """Ask for a reset and return the path of the link in the mail."""
    client.post(reverse("password_reset"), {"email": user.email})
    [message] = mail.outbox
    mail.outbox.clear()
    return re.search(r"http://testserver(/\S+)", message.body).group(1)


def link_for(user, token: str) -> str:
    uidb64 = urlsafe_base64_encode(force_bytes(user.pk))
    return reverse("password_reset_confirm", kwargs={"uidb64": uidb64, "token": token})


def set_password(client, link: str, password: str = NEW_PASSWORD):
    """Follow the link (which moves the token into the session) and send the new-password form."""
    opened = client.get(link)
    assert opened.status_code == 302, "a valid link redirects to the form, out of the address bar"
    return client.post(opened["Location"], {"new_password1": password, "new_password2": password})


def test_the_link_hides_its_token_and_shows_the_new_password_form(client, user):
    opened = client.get(mailed_link(client, user))

    assert opened["Location"].endswith("/set-password/")
    form = client.get(opened["Location"])
    assert form.status_code == 200
    assert "Choose a new password" in form.content.decode()
    assert "alice" in form.content.decode()


def test_the_link_sets_the_new_password(client, user):
    response = set_password(client, mailed_link(client, user))

    assert response.status_code == 302
    assert response["Location"] == reverse("password_reset_complete")
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert not user.check_password(USER_PASSWORD)


def test_the_done_page_says_what_happened_and_offers_sign_in(client):
    page = client.get(reverse("password_reset_complete")).content.decode()

    assert "You have been signed out everywhere" in page
    assert f'href="{reverse("login")}"' in page


def test_the_link_works_once(client, user):
    link = mailed_link(client, user)
    set_password(client, link)

    again = client.get(link)

    assert again.status_code == 200
    assert DEAD_LINK in again.content.decode()
    assert f'href="{reverse("password_reset")}"' in again.content.decode()


def test_a_link_older_than_the_timeout_is_refused(client, user):
    response = client.get(link_for(user, TokensFromLastHour().make_token(user)))

    assert response.status_code == 200
    assert DEAD_LINK in response.content.decode()


def test_a_link_just_inside_the_timeout_still_works(client, user, settings):
    settings.PASSWORD_RESET_TIMEOUT = 3602

    assert client.get(link_for(user, TokensFromLastHour().make_token(user))).status_code == 302


def test_a_link_sent_before_the_address_changed_is_refused(client, user):
    link = mailed_link(client, user)
    user.email = "alice@elsewhere.test"
    user.save()

    assert DEAD_LINK in client.get(link).content.decode()


def test_a_link_for_a_deactivated_account_is_refused(client, user):
    link = mailed_link(client, user)
    user.is_active = False
    user.save()

    assert DEAD_LINK in client.get(link).content.decode()


@pytest.mark.parametrize(
    "path",
    [
        "/accounts/reset/MQ/not-a-token/",
        "/accounts/reset/%00%00/abc-def/",
        "/accounts/reset/" + "A" * 500 + "/abc-def/",
        "/accounts/reset/OTk5OTk5/abc-def/",  # no such user
        "/accounts/reset/MQ/set-password/",  # the form, with no token in the session
    ],
    ids=["forged-token", "nul-bytes", "huge-uid", "unknown-user", "form-without-link"],
)
def test_a_bad_link_gets_a_readable_page(client, user, path):
    response = client.get(path)

    assert response.status_code == 200
    assert DEAD_LINK in response.content.decode()


def test_a_weak_or_mismatched_password_gets_the_form_back_and_keeps_the_link(client, user):
    opened = client.get(mailed_link(client, user))

    weak = client.post(opened["Location"], {"new_password1": "password", "new_password2": "password"})
    mismatched = client.post(opened["Location"], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD + "x"})

    assert weak.status_code == mismatched.status_code == 200
    assert "This password is too common." in weak.content.decode()
    assert "The two password fields didn\N{RIGHT SINGLE QUOTATION MARK}t match." in mismatched.content.decode()
    user.refresh_from_db()
    assert user.check_password(USER_PASSWORD)
    retried = client.post(opened["Location"], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert retried.status_code == 302


def test_a_completed_reset_is_audited(client, user):
    set_password(client, mailed_link(client, user))

    assert AuditEvent.objects.filter(event=AuditEvent.Event.PASSWORD_RESET_COMPLETED, user=user).count() == 1


def test_a_completed_reset_verifies_the_address_the_link_was_sent_to(client, user):
    user.email_verified = False
    user.save()

    set_password(client, mailed_link(client, user))

    user.refresh_from_db()
    assert user.email_verified is True


def test_the_default_generator_is_the_one_the_pages_check():
    """The expiry tests above rely on it: the views use Django's default_token_generator."""
    assert PasswordResetConfirmView.token_generator is default_token_generator
