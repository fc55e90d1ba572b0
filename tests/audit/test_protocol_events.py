"""Consent, token issuance, refresh, revocation and refresh-token reuse land in the audit trail."""

import uuid

import pytest

from accounts.services import authorization_revoke
from audit.models import AuditEvent
from tests.flows import consent, endpoint_request, exchange_code, obtain_code, pkce_pair, token_request, tokens_for
from tokens.signals import refresh_token_reuse_detected

pytestmark = pytest.mark.django_db

Event = AuditEvent.Event


def refresh(http, app, refresh_token: str):
    return token_request(http, app, {"grant_type": "refresh_token", "refresh_token": refresh_token})


def test_allowing_on_the_consent_page_records_the_granted_scopes(browser, user, web_app):
    _, challenge = pkce_pair()

    consent(browser, web_app, challenge=challenge, scope="openid profile")

    event = AuditEvent.objects.get(event=Event.CONSENT_GRANTED)
    assert (event.user, event.application) == (user, web_app)
    assert sorted(event.details["scopes"]) == ["openid", "profile"]


def test_denying_on_the_consent_page_is_recorded(browser, user, web_app):
    _, challenge = pkce_pair()

    consent(browser, web_app, challenge=challenge, allow=False)

    event = AuditEvent.objects.get(event=Event.CONSENT_DENIED)
    assert (event.user, event.application) == (user, web_app)
    assert not AuditEvent.objects.filter(event=Event.CONSENT_GRANTED).exists()


def test_a_code_exchange_records_a_token_issued_with_its_grant_type(browser, client, user, web_app):
    body = tokens_for(browser, client, web_app)

    event = AuditEvent.objects.get(event=Event.TOKEN_ISSUED)
    assert (event.user, event.application) == (user, web_app)
    assert event.details["grant_type"] == "authorization_code"
    assert event.details["scopes"] == ["openid", "profile"]
    assert body["access_token"] not in str(event.details)


def test_client_credentials_record_a_token_issued_without_a_user(client, machine_app):
    token_request(client, machine_app, {"grant_type": "client_credentials"})

    event = AuditEvent.objects.get(event=Event.TOKEN_ISSUED)
    assert event.user is None
    assert event.details["grant_type"] == "client_credentials"


def test_a_refresh_is_recorded_as_refreshed(browser, client, web_app):
    tokens = tokens_for(browser, client, web_app)

    assert refresh(client, web_app, tokens["refresh_token"]).status_code == 200

    assert AuditEvent.objects.filter(event=Event.TOKEN_REFRESHED, application=web_app).count() == 1


def test_presenting_a_rotated_refresh_token_again_records_reuse(browser, client, user, web_app):
    tokens = tokens_for(browser, client, web_app)
    refresh(client, web_app, tokens["refresh_token"])

    replay = refresh(client, web_app, tokens["refresh_token"])

    assert replay.status_code == 400
    assert replay.json()["error"] == "invalid_grant"
    event = AuditEvent.objects.get(event=Event.REFRESH_REUSE_DETECTED)
    assert (event.user, event.application) == (user, web_app)


def test_an_unknown_refresh_token_is_not_reuse(client, web_app):
    assert refresh(client, web_app, "never-issued").status_code == 400

    assert not AuditEvent.objects.filter(event=Event.REFRESH_REUSE_DETECTED).exists()


def test_revoking_a_live_token_is_recorded_with_its_type(browser, client, user, web_app):
    tokens = tokens_for(browser, client, web_app)

    response = endpoint_request(client, "oauth2_provider:revoke-token", web_app, {"token": tokens["refresh_token"]})

    assert response.status_code == 200
    event = AuditEvent.objects.get(event=Event.TOKEN_REVOKED)
    assert event.application == web_app
    assert event.details["token_type"] == "refresh_token"


def test_revoking_an_unknown_token_records_nothing(client, web_app):
    response = endpoint_request(client, "oauth2_provider:revoke-token", web_app, {"token": "not-a-token"})

    assert response.status_code == 200
    assert not AuditEvent.objects.filter(event=Event.TOKEN_REVOKED).exists()


def test_replaying_a_redeemed_code_records_the_replay(browser, client, user, web_app, caplog):
    code, verifier = obtain_code(browser, web_app)
    assert exchange_code(client, web_app, code, verifier).status_code == 200

    replay = exchange_code(client, web_app, code, verifier)

    assert replay.json()["error"] == "invalid_grant"
    event = AuditEvent.objects.get(event=Event.CODE_REPLAY_DETECTED)
    assert (event.user, event.application) == (user, web_app)
    assert code not in str(event.details)
    # The detail says the tokens were revoked; it is kept, not dropped as if it named a credential.
    assert event.details["tokens_revoked"] is True
    assert "dropped" not in caplog.text


def test_a_refresh_token_spent_during_a_concurrent_refresh_records_reuse(user, web_app):
    family = uuid.uuid4()

    refresh_token_reuse_detected.send(sender=None, application=web_app, user=user, token_family=family)

    event = AuditEvent.objects.get(event=Event.REFRESH_REUSE_DETECTED)
    assert event.details == {"token_family": str(family), "concurrent": True}


def test_withdrawing_an_authorization_records_the_revocation(browser, client, user, web_app):
    tokens_for(browser, client, web_app)

    authorization_revoke(user=user, application=web_app)

    event = AuditEvent.objects.get(event=Event.TOKEN_REVOKED)
    assert (event.user, event.application, event.details) == (user, web_app, {"reason": "user withdrew"})
