"""Asking for a reset link: the page answers the same whether or not an account has the address."""

import pytest
from django.core import mail
from django.urls import reverse

from audit.models import AuditEvent
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def ask_for_reset(http, email: str):
    return http.post(reverse("password_reset"), {"email": email})


def test_the_sign_in_page_links_to_the_reset_page(client):
    page = client.get(reverse("login")).content.decode()

    assert f'href="{reverse("password_reset")}"' in page
    assert "Forgot your password?" in page


def test_the_reset_page_asks_for_an_email_address(client):
    response = client.get(reverse("password_reset"))

    assert response.status_code == 200
    assert 'type="email" name="email"' in response.content.decode()


def test_a_known_address_gets_a_link_for_its_account(client, user):
    response = ask_for_reset(client, user.email)

    assert response.status_code == 302
    assert response["Location"] == reverse("password_reset_done")
    [message] = mail.outbox
    assert message.to == [user.email]
    assert message.subject == "Reset your Django IdP password"
    assert f'account "{user.username}"' in message.body
    assert "http://testserver/accounts/reset/" in message.body
    assert "within 60 minutes" in message.body


def test_an_unknown_address_gets_exactly_the_answer_a_known_one_gets(client, user):
    known = ask_for_reset(client, user.email)
    unknown = ask_for_reset(client, "nobody@example.test")

    assert (unknown.status_code, unknown["Location"]) == (known.status_code, known["Location"])
    assert len(mail.outbox) == 1
    assert client.get(unknown["Location"]).content == client.get(known["Location"]).content


def test_the_check_your_mail_page_never_says_whether_an_account_exists(client):
    page = client.get(reverse("password_reset_done")).content.decode()

    assert "If an account uses the address you entered" in page
    assert "within 60 minutes" in page


def test_the_address_is_matched_without_regard_to_case(client, user):
    ask_for_reset(client, user.email.upper())

    assert [message.to for message in mail.outbox] == [[user.email]]


def test_an_inactive_account_gets_no_mail(client):
    UserFactory(username="gone", email="gone@example.test", is_active=False)

    response = ask_for_reset(client, "gone@example.test")

    assert response.status_code == 302
    assert mail.outbox == []


def test_every_account_sharing_the_address_gets_its_own_link(client, user):
    UserFactory(username="alice-work", email=user.email)

    ask_for_reset(client, user.email)

    assert sorted(message.body.split('account "')[1].split('"')[0] for message in mail.outbox) == [
        "alice",
        "alice-work",
    ]


@pytest.mark.parametrize(
    ("email", "error"),
    [
        ("", "This field is required."),
        ("not an address", "Enter a valid email address."),
        ("a@" + "b" * 300 + ".test", "Ensure this value has at most 254 characters"),
    ],
    ids=["empty", "malformed", "too-long"],
)
def test_a_bad_address_gets_the_form_back_with_a_readable_error(client, email, error):
    response = ask_for_reset(client, email)

    assert response.status_code == 200
    assert error in response.content.decode()
    assert f'value="{email}"' in response.content.decode()
    assert mail.outbox == []


def test_a_request_is_audited_with_the_account_when_one_has_the_address(client, user):
    ask_for_reset(client, user.email)
    ask_for_reset(client, "nobody@example.test")

    events = AuditEvent.objects.filter(event=AuditEvent.Event.PASSWORD_RESET_REQUESTED).order_by("id")
    assert [(event.user, event.details) for event in events] == [
        (user, {"account_found": True}),
        (None, {"account_found": False}),
    ]
    assert "nobody@example.test" not in str(events[1].details)
