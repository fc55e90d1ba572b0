"""Client-authentication brute force: per client_id and per IP at the token, revocation and introspection endpoints."""

import time

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from provider.validator import OAuth2Validator
from tests.factories import CLIENT_SECRET, MachineApplicationFactory
from tests.flows import basic_auth, endpoint_request, form_post, token_request
from tests.idp import set_idp

pytestmark = pytest.mark.django_db

GRANT = {"grant_type": "client_credentials"}
WRONG = "wrong-secret"


@pytest.fixture(autouse=True)
def small_limits(settings) -> None:
    set_idp(settings, CLIENT_AUTH_MAX_FAILURES=3)
    set_idp(settings, CLIENT_AUTH_MAX_FAILURES_PER_IP=10)
    set_idp(settings, CLIENT_AUTH_WINDOW_SECONDS=300)


def fail_client_auth(http, app, times: int, **headers) -> None:
    for _ in range(times):
        response = form_post(
            http, reverse("oauth2_provider:token"), GRANT, **basic_auth(app.client_id, WRONG), **headers
        )
        assert response.status_code == 401, response.content


def assert_throttled(response) -> None:
    assert response.status_code == 429, response.content
    assert response.json()["error"] == "invalid_client"
    assert "Too many failed client authentication attempts" in response.json()["error_description"]
    assert 0 < int(response["Retry-After"]) <= 300
    assert response["Cache-Control"] == "no-store"


def test_after_n_failures_the_token_endpoint_answers_429_even_to_the_right_secret(client, machine_app):
    fail_client_auth(client, machine_app, 3)

    response = token_request(client, machine_app, GRANT)

    assert_throttled(response)


def test_failures_below_the_limit_do_not_block_the_right_secret(client, machine_app):
    fail_client_auth(client, machine_app, 2)

    assert token_request(client, machine_app, GRANT).status_code == 200


def test_a_blocked_client_secret_is_not_even_checked(client, machine_app, monkeypatch):
    fail_client_auth(client, machine_app, 3)
    checked = []
    monkeypatch.setattr(OAuth2Validator, "_check_secret", lambda self, *args: checked.append(args) or True)

    response = token_request(client, machine_app, GRANT)

    assert response.status_code == 429
    assert checked == []


def test_failures_sent_in_the_request_body_count_too(client, machine_app):
    for _ in range(3):
        body = {**GRANT, "client_id": machine_app.client_id, "client_secret": WRONG}
        assert form_post(client, reverse("oauth2_provider:token"), body).status_code == 401

    assert_throttled(token_request(client, machine_app, GRANT))


def test_blocking_one_client_leaves_other_clients_alone(client, machine_app):
    other = MachineApplicationFactory()
    fail_client_auth(client, machine_app, 3)

    assert token_request(client, other, GRANT).status_code == 200


def test_failures_across_many_client_ids_block_the_ip(client, machine_app, settings):
    set_idp(settings, CLIENT_AUTH_MAX_FAILURES_PER_IP=4)
    for n in range(4):
        response = form_post(client, reverse("oauth2_provider:token"), GRANT, **basic_auth(f"sprayed-{n}", WRONG))
        assert response.status_code == 401

    assert_throttled(token_request(client, machine_app, GRANT))
    elsewhere = form_post(
        client,
        reverse("oauth2_provider:token"),
        GRANT,
        **basic_auth(machine_app.client_id),
        REMOTE_ADDR="198.51.100.7",
    )
    assert elsewhere.status_code == 200


def test_the_block_ends_when_the_window_has_passed(client, machine_app, monkeypatch):
    fail_client_auth(client, machine_app, 3)
    later = time.time() + 301
    monkeypatch.setattr(time, "time", lambda: later)

    assert token_request(client, machine_app, GRANT).status_code == 200


def test_the_revocation_endpoint_is_throttled_by_the_same_counter(client, machine_app):
    fail_client_auth(client, machine_app, 3)

    response = endpoint_request(client, "oauth2_provider:revoke-token", machine_app, {"token": "anything"})

    assert_throttled(response)


def test_revocation_failures_count_towards_the_limit(client, machine_app):
    for _ in range(3):
        response = endpoint_request(
            client, "oauth2_provider:revoke-token", machine_app, {"token": "anything"}, secret=WRONG
        )
        assert response.status_code == 401

    assert_throttled(token_request(client, machine_app, GRANT))


def test_the_introspection_endpoint_answers_429_not_500_when_blocked(client, resource_server):
    for _ in range(3):
        response = endpoint_request(
            client, "oauth2_provider:introspect", resource_server, {"token": "anything"}, secret=WRONG
        )
        assert response.status_code == 401

    response = endpoint_request(client, "oauth2_provider:introspect", resource_server, {"token": "anything"})

    assert_throttled(response)


def test_throttling_is_audited_once_with_each_failure_recorded(client, machine_app):
    fail_client_auth(client, machine_app, 3)
    assert token_request(client, machine_app, GRANT, secret=WRONG).status_code == 429

    failures = AuditEvent.objects.filter(event=AuditEvent.Event.CLIENT_AUTH_FAILED, client_id=machine_app.client_id)
    triggered = AuditEvent.objects.filter(event=AuditEvent.Event.THROTTLE_TRIGGERED)
    assert failures.count() == 3  # the fourth request was refused before authentication
    assert list(triggered.values_list("details__limit", flat=True)) == ["client-auth:client"]
    assert triggered.get().ip == "127.0.0.1"


def test_a_zero_limit_disables_the_per_client_throttle(client, machine_app, settings):
    set_idp(settings, CLIENT_AUTH_MAX_FAILURES=0)
    fail_client_auth(client, machine_app, 5)

    assert token_request(client, machine_app, GRANT, secret=CLIENT_SECRET).status_code == 200
