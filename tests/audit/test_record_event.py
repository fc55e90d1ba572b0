"""audit.services.record_event: who, from where, which client, and details that never hold a credential."""

import pytest
from django.test import RequestFactory
from oauthlib.common import Request as OAuthlibRequest

from audit.models import AuditEvent
from audit.services import checksum_prefix, clean_details, record_event
from tests.idp import set_idp

pytestmark = pytest.mark.django_db


def test_an_event_records_the_request_user_ip_and_truncated_user_agent(user, web_app):
    request = RequestFactory().get("/", REMOTE_ADDR="203.0.113.9", HTTP_USER_AGENT="x" * 500)
    request.user = user

    event = record_event(event=AuditEvent.Event.CONSENT_GRANTED, request=request, application=web_app, scopes=["a"])

    event.refresh_from_db()
    assert event.user == user
    assert event.application == web_app
    assert event.client_id == web_app.client_id
    assert event.ip == "203.0.113.9"
    assert event.user_agent == "x" * 200
    assert event.details == {"scopes": ["a"]}


def test_an_oauthlib_request_gives_its_client_and_address(web_app):
    request = OAuthlibRequest("https://idp.test/o/token/", headers={"REMOTE_ADDR": "2001:db8::1"})
    request.client = web_app

    event = record_event(event=AuditEvent.Event.CLIENT_AUTH_FAILED, request=request)

    assert event.application == web_app
    assert event.ip == "2001:db8::1"


def test_an_unknown_client_is_recorded_by_its_client_id_text():
    event = record_event(event=AuditEvent.Event.CLIENT_AUTH_FAILED, client_id="no-such-client")

    assert event.application is None
    assert event.client_id == "no-such-client"


def test_credential_named_details_are_dropped_whatever_the_caller_passes():
    event = record_event(
        event=AuditEvent.Event.TOKEN_ISSUED,
        access_token="raw-access",
        refresh_token="raw-refresh",
        client_secret="raw-secret",
        password="hunter2",
        code="raw-code",
        code_verifier="raw-verifier",
        token_checksum=checksum_prefix("raw-access"),
        scopes=["openid"],
    )

    assert event.details == {"token_checksum": checksum_prefix("raw-access"), "scopes": ["openid"]}


def test_details_are_cut_down_to_size():
    details = clean_details({"reason": "r" * 1000, "scopes": [str(n) for n in range(100)]})

    assert len(details["reason"]) == 200
    assert len(details["scopes"]) == 50


def test_an_unknown_event_type_is_a_programming_error():
    with pytest.raises(ValueError, match="not-an-event"):
        record_event(event="not-an-event")


def test_x_forwarded_for_is_ignored_unless_proxies_are_trusted(settings):
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.4")

    assert record_event(event=AuditEvent.Event.LOGOUT, request=request).ip == "10.0.0.1"
    set_idp(settings, CLIENT_IP_TRUSTED_PROXIES=1)
    # Only the hop our proxy appended counts; the forged left-most entry is never used.
    assert record_event(event=AuditEvent.Event.LOGOUT, request=request).ip == "198.51.100.4"


def test_a_malformed_address_is_stored_as_unknown():
    request = RequestFactory().get("/", REMOTE_ADDR="not-an-ip")

    assert record_event(event=AuditEvent.Event.LOGOUT, request=request).ip is None


def test_control_characters_never_reach_the_database():
    # PostgreSQL refuses a NUL in a text column: an attacker's client_id or user agent must not crash a request.
    request = RequestFactory().get("/", HTTP_USER_AGENT="curl\x00/8")

    event = record_event(event=AuditEvent.Event.CLIENT_AUTH_FAILED, request=request, client_id="a\x00b", why="c\x00d")

    event.refresh_from_db()
    assert "\x00" not in event.client_id + event.user_agent + str(event.details)
    assert event.client_id == "a\ufffdb"
