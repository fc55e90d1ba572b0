"""Every way a session ends tells the clients holding tokens from it (OIDC Back-Channel Logout 1.0)."""

import pytest
from django.contrib.admin.sites import site
from django.core.management import call_command
from django.test import RequestFactory
from django.urls import reverse

from accounts.models import User
from accounts.services import user_deactivate
from provider.models import BackchannelLogout
from tests.admin_forms import user_change_form
from tests.flows import tokens_for
from tests.provider.test_auth_time import claims_of
from tests.provider.test_rp_initiated_logout import confirm, logout_params

pytestmark = pytest.mark.django_db
LOGOUT_URI = "https://client.example.test/backchannel-logout"


@pytest.fixture
def id_token(browser, client, web_app) -> dict:
    web_app.backchannel_logout_uri = LOGOUT_URI
    web_app.save()
    return tokens_for(browser, client, web_app)["id_token"]


def noticed_sids() -> list[str]:
    return list(BackchannelLogout.objects.values_list("sid", flat=True))


def test_rp_initiated_logout(browser, id_token):
    confirm(browser, logout_params(id_token))

    assert noticed_sids() == [claims_of(id_token)["sid"]]


def test_signing_out_everywhere_from_the_command_line(user, id_token):
    call_command("end_user_sessions", user.username, stdout=None)

    assert noticed_sids() == [claims_of(id_token)["sid"]]


def test_deactivation(user, id_token):
    user_deactivate(user=user)

    assert noticed_sids() == [claims_of(id_token)["sid"]]


def test_unticking_active_in_the_admin_user_form(admin_client, user, id_token):
    url, data = user_change_form(admin_client, user, is_active=None)

    response = admin_client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert not User.objects.get(pk=user.pk).is_active
    assert noticed_sids() == [claims_of(id_token)["sid"]]


def test_the_admin_ending_a_users_sessions(admin_user, user, id_token):
    request = RequestFactory().post("/")
    request.user = admin_user
    request._messages = type("Messages", (), {"add": lambda *args, **kwargs: None})()

    site._registry[User].end_sessions(request, User.objects.filter(pk=user.pk))

    assert noticed_sids() == [claims_of(id_token)["sid"]]


def test_a_sign_out_that_names_no_session_sends_nothing(client, id_token):
    client.post(reverse("logout"))

    assert noticed_sids() == []
