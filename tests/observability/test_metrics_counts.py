"""What the metrics count: tokens per grant, OAuth refusals per error code, sign-in outcomes, request latency."""

from django.urls import reverse

from tests.factories import CLIENT_SECRET, USER_PASSWORD
from tests.flows import token_request
from tests.observability.conftest import sample


def test_a_client_credentials_token_is_counted_under_its_grant(client, machine_app, metrics_on):
    before = sample("idp_tokens_issued_total", grant="client_credentials")

    response = token_request(client, machine_app, {"grant_type": "client_credentials", "scope": "users:read"})

    assert response.status_code == 200
    assert sample("idp_tokens_issued_total", grant="client_credentials") == before + 1


def test_refusals_are_counted_per_endpoint_and_error_code(client, machine_app, metrics_on):
    endpoint = "oauth2_provider:token"
    invalid_client = sample("idp_refusals_total", endpoint=endpoint, error="invalid_client")
    invalid_scope = sample("idp_refusals_total", endpoint=endpoint, error="invalid_scope")

    token_request(client, machine_app, {"grant_type": "client_credentials"}, secret="wrong")
    token_request(client, machine_app, {"grant_type": "client_credentials", "scope": "openid"})

    assert sample("idp_refusals_total", endpoint=endpoint, error="invalid_client") == invalid_client + 1
    assert sample("idp_refusals_total", endpoint=endpoint, error="invalid_scope") == invalid_scope + 1


def test_sign_in_outcomes_are_counted(client, user, metrics_on):
    failed = sample("idp_sign_ins_total", outcome="failed")
    succeeded = sample("idp_sign_ins_total", outcome="succeeded")

    client.post(reverse("login"), {"username": user.username, "password": "wrong"})
    client.post(reverse("login"), {"username": user.username, "password": USER_PASSWORD})

    assert sample("idp_sign_ins_total", outcome="failed") == failed + 1
    assert sample("idp_sign_ins_total", outcome="succeeded") == succeeded + 1


def test_each_request_is_timed_under_its_url_name_and_status_class(client, metrics_on):
    before = sample("idp_request_duration_seconds_count", endpoint="health:live", status="2xx")

    client.get(reverse("health:live"))

    assert sample("idp_request_duration_seconds_count", endpoint="health:live", status="2xx") == before + 1


def test_nothing_is_counted_while_metrics_are_off(client, machine_app):
    before = sample("idp_tokens_issued_total", grant="client_credentials")

    token_request(client, machine_app, {"grant_type": "client_credentials"}, secret=CLIENT_SECRET)

    assert sample("idp_tokens_issued_total", grant="client_credentials") == before
