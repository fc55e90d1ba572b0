"""A deactivated account or a changed password ends every token the user holds (ASVS 7.4.2, 7.4.3)."""

import pytest
from django.contrib.auth.hashers import make_password
from django.test import Client
from django.urls import reverse
from oauth2_provider.models import get_access_token_model, get_grant_model

from accounts.models import User
from accounts.services import user_deactivate
from tests.factories import USER_PASSWORD, ApplicationFactory
from tests.flows import exchange_code, obtain_code, tokens_for
from tests.tokens.probes import access_token_works, refresh, refresh_token_live

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-new-and-long-enough-passphrase"


@pytest.fixture
def two_sessions(browser, client, web_app) -> list[tuple]:
    """The user has authorized two clients: [(app, token response), ...]."""
    other_app = ApplicationFactory()
    return [(web_app, tokens_for(browser, client, web_app)), (other_app, tokens_for(browser, client, other_app))]


def assert_all_dead(http: Client, sessions: list[tuple]) -> None:
    for app, tokens in sessions:
        assert not access_token_works(http, tokens["access_token"])
        assert not refresh_token_live(tokens["refresh_token"])
        assert refresh(http, app, tokens["refresh_token"]).json()["error"] == "invalid_grant"


def test_user_deactivate_revokes_every_token_at_every_client(client, user, two_sessions):
    user_deactivate(user=user)

    user.refresh_from_db()
    assert not user.is_active
    assert_all_dead(client, two_sessions)


def test_user_deactivate_also_withdraws_codes_in_flight(browser, client, user, web_app):
    code, verifier = obtain_code(browser, web_app)

    user_deactivate(user=user)

    assert not get_grant_model().objects.exists()
    assert exchange_code(client, web_app, code, verifier).json()["error"] == "invalid_grant"


def test_admin_action_deactivates_and_revokes(admin_client, client, user, two_sessions):
    response = admin_client.post(
        reverse("admin:accounts_user_changelist"), {"action": "deactivate_users", "_selected_action": [user.pk]}
    )

    assert response.status_code == 302
    user.refresh_from_db()
    assert not user.is_active
    assert_all_dead(client, two_sessions)


def test_deactivating_by_saving_the_flag_revokes_too(client, user, two_sessions):
    # What the admin change form does when is_active is unticked.
    user.is_active = False
    user.save()

    assert_all_dead(client, two_sessions)


def test_tokens_of_a_user_deactivated_behind_our_back_are_refused(client, user, two_sessions):
    # A bulk update sends no signal, so the rows survive; validation must still refuse them.
    User.objects.filter(pk=user.pk).update(is_active=False)

    for app, tokens in two_sessions:
        assert not access_token_works(client, tokens["access_token"])
        assert refresh(client, app, tokens["refresh_token"]).json()["error"] == "invalid_grant"


def test_changing_the_password_on_the_password_page_revokes_every_token(browser, client, user, two_sessions):
    response = browser.post(
        reverse("password_change"),
        {"old_password": USER_PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert response.status_code == 302, response.content
    assert_all_dead(client, two_sessions)


def test_setting_a_password_in_code_revokes_every_token(client, user, two_sessions):
    user.set_password(NEW_PASSWORD)
    user.save()

    assert_all_dead(client, two_sessions)


def test_saving_the_user_without_a_password_change_keeps_tokens(client, user, two_sessions):
    user.first_name = "Alicia"
    user.save()

    for _, tokens in two_sessions:
        assert access_token_works(client, tokens["access_token"])


def test_the_silent_rehash_on_sign_in_is_not_a_password_change(client, user, two_sessions):
    # A hash from a hasher other than the first one is upgraded (and saved) on the next sign-in.
    User.objects.filter(pk=user.pk).update(password=make_password(USER_PASSWORD, hasher="pbkdf2_sha256"))

    assert Client().login(username=user.username, password=USER_PASSWORD)

    user.refresh_from_db()
    assert not user.password.startswith("pbkdf2_sha256$")
    assert get_access_token_model().objects.filter(user=user).count() == 2
    for _, tokens in two_sessions:
        assert access_token_works(client, tokens["access_token"])
