"""/health/live and /health/ready: JSON for load balancers, public, never cached, 503 naming what failed."""

import json

import pytest
from django.urls import reverse

from tests.faults.outage import database_down

pytestmark = pytest.mark.django_db


def assert_probe_answer(response, status: int) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json"
    assert response["Cache-Control"] == "no-store"
    assert "Set-Cookie" not in response.headers
    return json.loads(response.content)


def test_live_answers_ok_without_touching_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get(reverse("health:live"))

    assert assert_probe_answer(response, 200) == {"status": "ok"}


def test_live_stays_ok_while_the_database_is_down(client):
    with database_down():
        response = client.get(reverse("health:live"))

    assert assert_probe_answer(response, 200) == {"status": "ok"}


def test_ready_checks_the_database_and_the_cache(client):
    response = client.get(reverse("health:ready"))

    assert assert_probe_answer(response, 200) == {"status": "ok", "checks": {"database": "ok", "cache": "ok"}}


def test_ready_is_503_naming_the_database_when_it_is_down(client):
    with database_down():
        response = client.get(reverse("health:ready"))

    body = assert_probe_answer(response, 503)
    assert body == {"status": "unavailable", "checks": {"database": "failed", "cache": "ok"}}
    assert b"Connection refused" not in response.content  # the error's text (hosts, users) never leaves


def test_ready_is_503_naming_the_cache_when_it_is_down(client, settings):
    settings.CACHES = {
        "default": {
            # Django's own Redis backend (redis-py), pointed where nothing listens (the discard port).
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",
            "OPTIONS": {"socket_connect_timeout": 1},
        }
    }

    response = client.get(reverse("health:ready"))

    body = assert_probe_answer(response, 503)
    assert body == {"status": "unavailable", "checks": {"database": "ok", "cache": "failed"}}


@pytest.mark.parametrize("url_name", ["health:live", "health:ready"])
def test_probes_answer_head_and_refuse_writes(client, url_name):
    assert client.head(reverse(url_name)).status_code == 200
    assert client.post(reverse(url_name)).status_code == 405


@pytest.mark.parametrize("url_name", ["health:live", "health:ready"])
def test_probes_ignore_a_bearer_token_and_a_session(browser, url_name):
    response = browser.get(reverse(url_name), HTTP_AUTHORIZATION="Bearer not-a-token")

    assert response.status_code == 200
