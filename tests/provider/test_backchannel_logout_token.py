"""The logout token a client receives (OIDC Back-Channel Logout 1.0 §2.4), verified with the provider's JWKS."""

import time

import pytest
from django.urls import reverse
from joserfc import jwt
from joserfc.jwk import KeySet

from provider.backchannel_logout import logout_notifications_deliver
from tests.backchannel import logout_receiver
from tests.factories import ApplicationFactory
from tests.flows import tokens_for
from tests.provider.test_auth_time import claims_of

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _loopback_allowed(settings):
    settings.IDP = {**settings.IDP, "OUTBOUND_ALLOW_PRIVATE_ADDRESSES": True}


def test_signing_out_sends_a_signed_logout_token_naming_the_session_and_the_user(browser, client, user, web_app):
    with logout_receiver() as receiver:
        web_app.backchannel_logout_uri = receiver.url
        web_app.save()
        id_token = claims_of(tokens_for(browser, client, web_app)["id_token"])

        browser.post(reverse("logout"))
        logout_notifications_deliver()

    [logout_token] = receiver.logout_tokens
    jwks = KeySet.import_key_set(client.get(reverse("oauth2_provider:jwks-info")).json())
    token = jwt.decode(logout_token, jwks, algorithms=["RS256"])
    assert token.header["typ"] == "logout+jwt"
    claims = token.claims
    assert claims["iss"] == id_token["iss"]
    assert claims["aud"] == web_app.client_id
    assert claims["sub"] == id_token["sub"] == str(user.pk)
    assert claims["sid"] == id_token["sid"]
    assert claims["events"] == {"http://schemas.openid.net/event/backchannel-logout": {}}
    assert claims["iat"] <= time.time() < claims["exp"] <= claims["iat"] + 300
    assert claims["jti"]
    assert "nonce" not in claims


def test_only_clients_holding_tokens_from_the_session_are_told(browser, client, web_app):
    with logout_receiver() as receiver:
        ApplicationFactory(backchannel_logout_uri=receiver.url)
        tokens_for(browser, client, web_app)

        browser.post(reverse("logout"))
        logout_notifications_deliver()

    assert receiver.logout_tokens == []
