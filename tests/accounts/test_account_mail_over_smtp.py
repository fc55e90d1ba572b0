"""Reset and verification mail over real SMTP (aiosmtpd on loopback): read as delivered, links followed.

The other account tests read Django's in-memory outbox; these prove the messages survive the wire (headers,
encoding, a link that still works when copied out of the delivered body) and that mail leaves off the
request path when ACCOUNT_MAIL_IN_BACKGROUND is on, as it is outside tests.
"""

from urllib.parse import urlsplit

import pytest
from django.contrib.auth import SESSION_KEY
from django.urls import reverse

from tests.idp import set_idp
from tests.live_servers import free_port
from tests.mail_server import Inbox, body_of, link_in

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-brand-new-passphrase-42"


def path_of(link: str) -> str:
    parts = urlsplit(link)
    assert (parts.scheme, parts.netloc) == ("http", "testserver")
    return parts.path


def test_a_reset_link_delivered_by_smtp_sets_a_new_password(client, user, smtp_server: Inbox, settings):
    settings.DEFAULT_FROM_EMAIL = "Django IdP <noreply@idp.example.test>"

    client.post(reverse("password_reset"), {"email": user.email})

    [message] = smtp_server.wait_for(1)
    assert smtp_server.recipients == [[user.email]]
    assert message["To"] == user.email
    assert message["From"] == "Django IdP <noreply@idp.example.test>"
    assert message["Subject"] == "Reset your Django IdP password"
    assert message.get_content_type() == "text/plain"
    form = client.get(path_of(link_in(message)))["Location"]
    done = client.post(form, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done["Location"] == reverse("password_reset_complete")
    signed_in = client.post(reverse("login"), {"username": user.username, "password": NEW_PASSWORD})
    assert signed_in.status_code == 302
    assert client.session[SESSION_KEY] == str(user.pk)


def test_a_verification_link_delivered_by_smtp_verifies_the_address(browser, user, smtp_server: Inbox):
    user.email_verified = False
    user.save()

    browser.post(reverse("email-verification-send"))

    [message] = smtp_server.wait_for(1)
    assert smtp_server.recipients == [[user.email]]
    assert message["Subject"] == "Verify your email address for Django IdP"
    assert "within 24 hours" in body_of(message)
    verify = path_of(link_in(message))
    assert "Verify my address" in browser.get(verify).content.decode()
    assert browser.post(verify)["Location"] == reverse("email-verified")
    user.refresh_from_db()
    assert user.email_verified is True


def test_the_reset_page_answers_before_the_mail_server_accepts_the_message(client, user, smtp_server, settings):
    """Off the request path: a known address must not answer an SMTP round trip later than an unknown one."""
    set_idp(settings, ACCOUNT_MAIL_IN_BACKGROUND=True)
    smtp_server.open.clear()  # the server now holds every message until told to accept it

    response = client.post(reverse("password_reset"), {"email": user.email})

    assert response.status_code == 302
    assert smtp_server.messages == []
    smtp_server.open.set()
    [message] = smtp_server.wait_for(1)
    assert message["To"] == user.email
    assert client.get(path_of(link_in(message))).status_code == 302


def test_a_mail_server_that_refuses_does_not_change_the_answer(client, user, settings):
    """Nothing listens on the port: the page still says "check your mail", as for an unknown address."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = free_port()

    response = client.post(reverse("password_reset"), {"email": user.email})

    assert response.status_code == 302
    assert response["Location"] == reverse("password_reset_done")
