"""Sign-in brute force: per account name and per IP, a clear message, and no user enumeration."""

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse

from accounts.models import User
from audit.models import AuditEvent
from tests.factories import USER_PASSWORD, UserFactory
from tests.idp import set_idp

pytestmark = pytest.mark.django_db

PAUSED = "Too many failed sign-in attempts. Try again in 15 minutes."


@pytest.fixture(autouse=True)
def small_limits(settings) -> None:
    set_idp(settings, LOGIN_MAX_FAILURES_PER_ACCOUNT=3)
    set_idp(settings, LOGIN_MAX_FAILURES_PER_IP=10)
    set_idp(settings, LOGIN_FAILURE_WINDOW_SECONDS=900)


def sign_in(http: Client, username: str, password: str, **headers):
    return http.post(reverse("login"), {"username": username, "password": password}, **headers)


def errors(response) -> list[str]:
    return response.context["form"].non_field_errors()


def test_the_failure_that_reaches_the_limit_already_says_try_again_later(client, user):
    for _ in range(2):
        assert sign_in(client, "alice", "wrong").status_code == 200

    response = sign_in(client, "alice", "wrong")

    assert response.status_code == 429
    assert errors(response) == [PAUSED]
    assert 890 < int(response["Retry-After"]) <= 900


def test_a_blocked_account_is_refused_even_with_the_right_password(client, user):
    for _ in range(3):
        sign_in(client, "alice", "wrong")

    response = sign_in(client, "alice", USER_PASSWORD)

    assert response.status_code == 429
    assert errors(response) == [PAUSED]
    assert SESSION_KEY not in client.session


def test_a_blocked_account_password_is_not_even_checked(client, user, monkeypatch):
    for _ in range(3):
        sign_in(client, "alice", "wrong")
    checked = []
    monkeypatch.setattr(User, "check_password", lambda self, raw: checked.append(raw) or True)

    sign_in(client, "alice", USER_PASSWORD)

    assert checked == []


def test_an_unknown_username_gets_exactly_the_answers_a_real_one_gets(client, user):
    real = [sign_in(client, "alice", "wrong") for _ in range(4)]
    unknown = [sign_in(client, "nobody-here", "wrong") for _ in range(4)]

    assert [r.status_code for r in unknown] == [r.status_code for r in real] == [200, 200, 429, 429]
    assert [errors(r) for r in unknown] == [errors(r) for r in real]
    assert [r.has_header("Retry-After") for r in unknown] == [r.has_header("Retry-After") for r in real]


def test_case_variants_of_a_name_share_one_counter(client, user):
    for name in ("alice", "ALICE", "Alice "):
        sign_in(client, name, "wrong")

    assert sign_in(client, "alice", USER_PASSWORD).status_code == 429


def test_signing_in_successfully_clears_the_account_counter(client, user):
    for _ in range(2):
        sign_in(client, "alice", "wrong")
    assert sign_in(client, "alice", USER_PASSWORD).status_code == 302
    client.logout()

    for _ in range(2):
        sign_in(client, "alice", "wrong")

    assert sign_in(client, "alice", USER_PASSWORD).status_code == 302


def test_one_ip_trying_many_accounts_is_blocked_but_other_ips_are_not(client, user, settings):
    set_idp(settings, LOGIN_MAX_FAILURES_PER_IP=4)
    for n in range(4):
        sign_in(client, f"guess-{n}", "wrong")

    assert sign_in(client, "alice", USER_PASSWORD).status_code == 429
    assert sign_in(Client(), "alice", USER_PASSWORD, REMOTE_ADDR="198.51.100.7").status_code == 302


def test_the_admin_login_is_refused_while_the_account_is_blocked(client):
    UserFactory(username="root", is_staff=True, is_superuser=True)
    for _ in range(3):
        sign_in(client, "root", "wrong")

    response = client.post(reverse("admin:login"), {"username": "root", "password": USER_PASSWORD})

    assert response.status_code == 200  # the admin's own form, with its generic error
    assert SESSION_KEY not in client.session


def test_pausing_sign_in_is_audited_once_per_limit(client, user):
    for _ in range(4):
        sign_in(client, "alice", "wrong")

    triggered = AuditEvent.objects.filter(event=AuditEvent.Event.THROTTLE_TRIGGERED)
    assert list(triggered.values_list("details__limit", flat=True)) == ["login:account"]
    assert AuditEvent.objects.filter(event=AuditEvent.Event.LOGIN_FAILED, user=user).count() == 3
