"""``manage.py end_user_sessions USERNAME`` signs one user out everywhere and leaves everyone else alone."""

import json
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import UserSession
from audit.models import AuditEvent
from tests.flows import tokens_for
from tests.tokens.probes import access_token_works, refresh_token_live

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    """A browser of its own with ``user`` signed in (one session row)."""
    browser = Client()
    browser.force_login(user)
    return browser


def is_signed_in(browser: Client) -> bool:
    response = browser.get(reverse("authorized-apps"))
    return response.status_code == 200


def end_sessions(*args: str) -> str:
    out = StringIO()
    call_command("end_user_sessions", *args, stdout=out)
    return out.getvalue()


def test_the_users_sessions_end_and_their_tokens_are_revoked(browser, client, user, other_user, web_app):
    phone = signed_in(user)
    alices_tokens = tokens_for(browser, client, web_app)
    bob = signed_in(other_user)
    bobs_tokens = tokens_for(bob, client, web_app)

    output = end_sessions(user.username)

    assert output.splitlines() == [
        "Signed alice out everywhere: 2 sessions ended; 1 access token, 1 refresh token and 0 authorization "
        "codes revoked.",
        "The account is still active: they can sign in again (deactivate it in the admin).",
    ]
    assert not is_signed_in(browser)
    assert not is_signed_in(phone)
    assert not access_token_works(client, alices_tokens["access_token"])
    assert not refresh_token_live(alices_tokens["refresh_token"])
    assert is_signed_in(bob)
    assert access_token_works(client, bobs_tokens["access_token"])
    assert refresh_token_live(bobs_tokens["refresh_token"])


def test_it_is_audited_with_the_counts(browser, client, user, web_app):
    tokens_for(browser, client, web_app)

    end_sessions(user.username)

    event = AuditEvent.objects.filter(event=AuditEvent.Event.TOKEN_REVOKED).latest("pk")
    assert event.user == user
    assert event.details == {
        "reason": "signed out everywhere",
        "sessions_ended": 1,
        "grants_revoked": 0,
        "access_revoked": 1,
        "refresh_revoked": 1,
    }


def test_thousands_of_sessions_are_ended_by_one_indexed_update(user, other_user):
    UserSession.objects.bulk_create(
        [UserSession(user=other_user, sid=f"bob-{n}") for n in range(1500)]
        + [UserSession(user=user, sid=f"alice-{n}") for n in range(3)]
        + [UserSession(user=user, sid="alice-old", ended=timezone.now() - timedelta(days=1))]
    )
    table = connection.ops.quote_name(UserSession._meta.db_table)

    with CaptureQueriesContext(connection) as queries:
        ended = json.loads(end_sessions(user.username, "--json"))

    statements = [query["sql"].split()[0] for query in queries if table in query["sql"]]
    assert statements.count("UPDATE") == 1
    assert ended == {"username": "alice", "sessions": 3, "codes": 0, "access_tokens": 0, "refresh_tokens": 0}
    assert UserSession.objects.live().filter(user=other_user).count() == 1500
    assert not UserSession.objects.live().filter(user=user).exists()


def test_an_unknown_username_is_refused():
    with pytest.raises(CommandError, match=r"No user has the username 'nobody'\."):
        end_sessions("nobody")


def test_from_a_shell_the_exit_status_says_whether_it_worked(manage_py):
    created = manage_py("createsuperuser", "--noinput", "--username", "carol", "--email", "carol@example.test")
    assert created.returncode == 0, created.stderr

    ended = manage_py("end_user_sessions", "carol", "--json")
    unknown = manage_py("end_user_sessions", "nobody")
    missing = manage_py("end_user_sessions")

    assert ended.returncode == 0, ended.stderr
    assert json.loads(ended.stdout)["sessions"] == 0
    assert unknown.returncode == 1
    assert unknown.stderr.splitlines()[-1] == "CommandError: No user has the username 'nobody'."
    assert missing.returncode == 2
    assert "the following arguments are required: USERNAME" in missing.stderr
