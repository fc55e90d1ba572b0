"""No audit event ever holds a password, client secret, authorization code, PKCE verifier or token value.

Drives the real flows (sign-in, consent, code exchange, refresh, reuse, revocation, introspection, client
authentication failures, client creation and secret rotation), then searches every stored column of every
event for every raw value that went over the wire.
"""

import json

import pytest
from django.forms.models import model_to_dict
from django.test import Client
from django.urls import reverse

from audit.models import AuditEvent
from clients.models import Application, GrantType
from tests.factories import CLIENT_SECRET, USER_PASSWORD
from tests.flows import endpoint_request, exchange_code, obtain_code, token_request

pytestmark = pytest.mark.django_db

WRONG_PASSWORD = "wrong-password-4f1c9a"
WRONG_SECRET = "wrong-secret-9d3e77"


def stored_text() -> str:
    rows = [{**model_to_dict(event), "created": str(event.created)} for event in AuditEvent.objects.all()]
    return json.dumps(rows, default=str)


def test_no_event_contains_a_raw_credential(user, web_app, machine_app, resource_server, admin_client):
    raw: list[str] = [USER_PASSWORD, CLIENT_SECRET, WRONG_PASSWORD, WRONG_SECRET]
    browser = Client()
    browser.post(reverse("login"), {"username": "alice", "password": WRONG_PASSWORD})
    browser.post(reverse("login"), {"username": "alice", "password": USER_PASSWORD})

    code, verifier = obtain_code(browser, web_app)
    first = exchange_code(Client(), web_app, code, verifier).json()
    refreshed = token_request(
        Client(), web_app, {"grant_type": "refresh_token", "refresh_token": first["refresh_token"]}
    )
    second = refreshed.json()
    introspected = endpoint_request(
        Client(), "oauth2_provider:introspect", resource_server, {"token": second["access_token"]}
    )
    endpoint_request(Client(), "oauth2_provider:revoke-token", web_app, {"token": second["access_token"]})
    token_request(Client(), web_app, {"grant_type": "refresh_token", "refresh_token": first["refresh_token"]})  # reuse
    token_request(Client(), machine_app, {"grant_type": "client_credentials"}, secret=WRONG_SECRET)
    machine = token_request(Client(), machine_app, {"grant_type": "client_credentials"}).json()
    replayed_code, replayed_verifier = obtain_code(browser, web_app)
    exchange_code(Client(), web_app, replayed_code, replayed_verifier)
    exchange_code(Client(), web_app, replayed_code, replayed_verifier)  # a replay
    browser.post(reverse("logout"))
    raw += [code, verifier, replayed_code, replayed_verifier, machine["access_token"]]
    raw += [first[k] for k in ("access_token", "refresh_token", "id_token")]
    raw += [second[k] for k in ("access_token", "refresh_token", "id_token")]

    created = admin_client.post(
        reverse("admin:clients_application_add"),
        {
            "name": "Audited",
            "client_type": Application.CLIENT_CONFIDENTIAL,
            "grant_types": [GrantType.CLIENT_CREDENTIALS],
            "allowed_scopes": ["users:read"],
            "algorithm": "",
        },
    )
    new_client = Application.objects.get(name="Audited")
    rotated = admin_client.post(
        reverse("admin:clients_application_rotate_secret", args=[new_client.pk]), {"overlap_days": 0}
    )
    raw += [created.context["client_secret"], rotated.context["client_secret"]]

    assert introspected.status_code == 200
    recorded = set(AuditEvent.objects.values_list("event", flat=True))
    assert recorded >= {
        AuditEvent.Event.LOGIN_FAILED,
        AuditEvent.Event.LOGIN_SUCCEEDED,
        AuditEvent.Event.LOGOUT,
        AuditEvent.Event.CONSENT_GRANTED,
        AuditEvent.Event.TOKEN_ISSUED,
        AuditEvent.Event.TOKEN_REFRESHED,
        AuditEvent.Event.REFRESH_REUSE_DETECTED,
        AuditEvent.Event.CODE_REPLAY_DETECTED,
        AuditEvent.Event.TOKEN_REVOKED,
        AuditEvent.Event.CLIENT_AUTH_FAILED,
        AuditEvent.Event.CLIENT_CREATED,
        AuditEvent.Event.CLIENT_SECRET_RESET,
    }
    text = stored_text()
    leaked = [value[:12] + "…" for value in raw if value and value in text]
    assert leaked == []
