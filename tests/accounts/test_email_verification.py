"""E-mail verification: the signed-in user asks for a link; the link verifies that address, once, for a day."""

import re
import time

import pytest
from django.core import mail, signing
from django.test import Client
from django.urls import reverse

from accounts.email_verification import SALT, email_verification_token
from audit.models import AuditEvent
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

DEAD_LINK = "This link no longer works"


class SignedYesterday(signing.TimestampSigner):
    """Django's timestamp signer with its clock a day and a second back (a subclass, no patching)."""

    def timestamp(self) -> str:
        return signing.b62_encode(int(time.time()) - 24 * 3600 - 1)


@pytest.fixture
def unverified(user):
    user.email_verified = False
    user.save()
    return user


def mailed_link(browser: Client) -> str:
    """Ask for a verification mail and return the path of its link."""
    response = browser.post(reverse("email-verification-send"))
    assert response.status_code == 302, response.content
    [message] = mail.outbox
    mail.outbox.clear()
    return re.search(r"http://testserver(/\S+)", message.body).group(1)


def test_the_page_shows_an_unverified_address_and_offers_a_link(browser, unverified):
    page = browser.get(reverse("email-address")).content.decode()

    assert unverified.email in page
    assert "not verified" in page
    assert "Send verification link" in page


def test_the_page_says_when_the_address_is_verified_and_offers_nothing(browser, user):
    page = browser.get(reverse("email-address")).content.decode()

    assert "is verified" in page
    assert "Send verification link" not in page


def test_every_page_links_to_the_email_page_for_a_signed_in_user(browser):
    assert f'href="{reverse("email-address")}"' in browser.get(reverse("home")).content.decode()


def test_the_pages_need_a_signed_in_user(client):
    for response in (client.get(reverse("email-address")), client.post(reverse("email-verification-send"))):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    assert mail.outbox == []


def test_asking_sends_a_link_to_the_address_and_says_where_it_went(browser, unverified):
    response = browser.post(reverse("email-verification-send"))

    assert response["Location"] == reverse("email-verification-sent")
    [message] = mail.outbox
    assert message.to == [unverified.email]
    assert "/accounts/email/verify/" in message.body
    sent = browser.get(response["Location"]).content.decode()
    assert f"We sent a verification link to <strong>{unverified.email}</strong>" in sent
    assert "within 24 hours" in sent


def test_the_link_shows_a_button_and_only_the_button_verifies(client, browser, unverified):
    link = mailed_link(browser)

    page = client.get(link)

    assert "Verify my address" in page.content.decode()
    unverified.refresh_from_db()
    assert unverified.email_verified is False, "opening the link (as mail scanners do) must change nothing"
    assert client.post(link)["Location"] == reverse("email-verified")
    unverified.refresh_from_db()
    assert unverified.email_verified is True


def test_the_link_works_without_signing_in(browser, unverified):
    """Opened on a phone where the person is not signed in: the link itself is the proof."""
    link = mailed_link(browser)

    Client().post(link)

    unverified.refresh_from_db()
    assert unverified.email_verified is True


def test_the_link_works_once(client, browser, unverified):
    link = mailed_link(browser)
    client.post(link)

    again = client.post(link)

    assert again.status_code == 200
    assert DEAD_LINK in again.content.decode()
    assert AuditEvent.objects.filter(event=AuditEvent.Event.EMAIL_VERIFIED).count() == 1


def test_a_link_older_than_a_day_is_refused(client, unverified):
    payload = signing.loads(email_verification_token(user=unverified), salt=SALT)
    old = SignedYesterday(salt=SALT).sign_object(payload)

    response = client.post(reverse("email-verify", kwargs={"token": old}))

    assert DEAD_LINK in response.content.decode()
    unverified.refresh_from_db()
    assert unverified.email_verified is False


def test_a_link_for_an_address_the_account_no_longer_has_is_refused(client, browser, unverified):
    link = mailed_link(browser)
    unverified.email = "alice@elsewhere.test"
    unverified.save()

    assert DEAD_LINK in client.post(link).content.decode()
    unverified.refresh_from_db()
    assert unverified.email_verified is False


def test_a_link_signed_for_another_purpose_is_refused(client, unverified):
    payload = signing.loads(email_verification_token(user=unverified), salt=SALT)
    other_salt = signing.dumps(payload, salt="some.other.purpose")

    assert DEAD_LINK in client.post(reverse("email-verify", kwargs={"token": other_salt})).content.decode()


@pytest.mark.parametrize("token", ["garbage", "a" * 2000, "eyJ1c2VyIjoxfQ:1abcde:forged", "%00"])
def test_a_bad_link_gets_a_readable_page(client, unverified, token):
    path = reverse("email-verify", kwargs={"token": "x"}).replace("/x/", f"/{token}/")

    for response in (client.get(path), client.post(path)):
        assert response.status_code == 200
        assert DEAD_LINK in response.content.decode()


def test_a_dead_link_offers_a_new_one_to_a_signed_in_user(browser, unverified):
    page = browser.get(reverse("email-verify", kwargs={"token": "garbage"})).content.decode()

    assert f'href="{reverse("email-address")}"' in page


def test_an_account_without_an_address_is_told_so_and_sent_nothing(browser, user):
    user.email = ""
    user.save()

    response = browser.post(reverse("email-verification-send"), follow=True)

    assert "Your account has no email address" in response.content.decode()
    assert mail.outbox == []


def test_an_already_verified_address_is_sent_nothing(browser, user):
    response = browser.post(reverse("email-verification-send"), follow=True)

    assert "already verified" in response.content.decode()
    assert mail.outbox == []


def test_a_link_for_a_deactivated_account_is_refused(client, browser, unverified):
    link = mailed_link(browser)
    unverified.is_active = False
    unverified.save()

    assert DEAD_LINK in client.post(link).content.decode()


def test_one_users_link_verifies_nobody_else(client, browser, unverified):
    bob = UserFactory(username="bob", email="bob@example.test", email_verified=False)
    client.post(mailed_link(browser))

    bob.refresh_from_db()
    assert bob.email_verified is False


def test_sending_and_verifying_are_audited(client, browser, unverified):
    client.post(mailed_link(browser))

    events = AuditEvent.objects.filter(user=unverified, event__startswith="email").order_by("id")
    assert list(events.values_list("event", flat=True)) == [
        AuditEvent.Event.EMAIL_VERIFICATION_SENT,
        AuditEvent.Event.EMAIL_VERIFIED,
    ]
