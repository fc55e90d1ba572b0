"""ID tokens name the sign-in session behind them as ``sid`` (Back-Channel Logout 1.0 §2.4), refreshed ones too."""

import pytest

from accounts.models import UserSession
from accounts.sessions import SID_SESSION_KEY
from tests.flows import tokens_for
from tests.provider.test_auth_time import claims_of
from tests.tokens.probes import refresh

pytestmark = pytest.mark.django_db


def test_the_id_token_carries_the_sid_of_the_browsers_session(browser, client, user, web_app):
    id_token = tokens_for(browser, client, web_app)["id_token"]

    assert claims_of(id_token)["sid"] == browser.session[SID_SESSION_KEY]
    assert UserSession.objects.filter(user=user, sid=claims_of(id_token)["sid"]).exists()


def test_a_refreshed_id_token_keeps_the_sid(browser, client, web_app):
    tokens = tokens_for(browser, client, web_app)

    refreshed = refresh(client, web_app, tokens["refresh_token"]).json()

    assert claims_of(refreshed["id_token"])["sid"] == claims_of(tokens["id_token"])["sid"]
