"""/metrics is not public: 404 while metrics are off, 401 with a Bearer challenge without the scraper's token."""

from django.urls import reverse

from tests.observability.conftest import METRICS_TOKEN


def test_metrics_are_off_and_the_endpoint_absent_without_a_bearer_token_setting(client):
    assert client.get(reverse("metrics")).status_code == 404


def test_without_the_token_the_endpoint_answers_401_with_a_bearer_challenge(client, metrics_on):
    response = client.get(reverse("metrics"))

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="metrics"'
    assert b"idp_" not in response.content


def test_a_wrong_token_is_refused(client, metrics_on):
    response = client.get(reverse("metrics"), headers={"Authorization": "Bearer not-the-token"})

    assert response.status_code == 401


def test_the_scraper_gets_the_prometheus_text_format_never_cached(client, metrics_on):
    response = client.get(reverse("metrics"), headers={"Authorization": f"Bearer {METRICS_TOKEN}"})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=")
    assert "no-store" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    body = response.content.decode()
    for name in (
        "idp_tokens_issued_total",
        "idp_refusals_total",
        "idp_sign_ins_total",
        "idp_request_duration_seconds",
    ):
        assert f"# TYPE {name.removesuffix('_total')}" in body
