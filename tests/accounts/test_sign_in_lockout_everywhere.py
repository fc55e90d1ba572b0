"""A sign-in lockout holds wherever a password is checked: the admin's login, the legacy password grant, scripts."""

import pytest
from django.contrib.auth import SESSION_KEY, authenticate
from django.test import Client
from django.urls import reverse
from oauth2_provider.models import get_access_token_model

from clients.models import GrantType
from tests.factories import USER_PASSWORD, ApplicationFactory, UserFactory
from tests.flows import token_request
from tests.idp import set_idp

pytestmark = pytest.mark.django_db

ADDRESS = "198.51.100.9"


@pytest.fixture(autouse=True)
def small_limits(settings) -> None:
    set_idp(settings, LOGIN_MAX_FAILURES_PER_ACCOUNT=3)
    set_idp(settings, LOGIN_MAX_FAILURES_PER_IP=5)


@pytest.fixture
def legacy_app(db):
    """A confidential client an admin gave the LEGACY password grant."""
    return ApplicationFactory(grant_types=[GrantType.PASSWORD], redirect_uris="", allowed_scopes=["profile"])


def sign_in(username: str, password: str, address: str = ADDRESS):
    return Client().post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address)


def password_grant(app, password: str, address: str = ADDRESS):
    data = {"grant_type": "password", "username": "alice", "password": password, "scope": "profile"}
    return token_request(Client(REMOTE_ADDR=address), app, data)


def test_the_password_grant_is_refused_for_a_locked_out_name_even_with_the_right_password(user, legacy_app):
    for _ in range(3):
        sign_in("alice", "wrong")

    response = password_grant(legacy_app, USER_PASSWORD, "203.0.113.1")

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"
    assert not get_access_token_model().objects.exists()


def test_wrong_passwords_at_the_password_grant_count_toward_the_lockout(user, legacy_app):
    for _ in range(3):
        assert password_grant(legacy_app, "wrong").json()["error"] == "invalid_grant"

    assert sign_in("alice", USER_PASSWORD, "203.0.113.1").status_code == 429


def test_the_admin_login_is_refused_from_a_locked_out_address_with_its_usual_error(db):
    UserFactory(username="root", is_staff=True, is_superuser=True)
    for n in range(5):
        sign_in(f"guess-{n}", "wrong")
    admin = Client(REMOTE_ADDR=ADDRESS)

    response = admin.post(reverse("admin:login"), {"username": "root", "password": USER_PASSWORD})

    assert response.status_code == 200  # the admin's own form and its generic error, as for a wrong password
    assert SESSION_KEY not in admin.session


def test_authenticate_without_a_request_is_refused_for_a_locked_out_name_only(user, other_user):
    for _ in range(3):
        sign_in("alice", "wrong")

    # A script or the test client's login(): axes' own backend would raise for want of a request.
    assert authenticate(username="alice", password=USER_PASSWORD) is None
    assert authenticate(username="bob", password=USER_PASSWORD) == other_user
