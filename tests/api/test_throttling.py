"""Rate limits per (client, user) grant and per client: 429 with Retry-After, counted in the shared cache."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def rates(settings):
    """Set the API's throttle rates for one test (the rest of REST_FRAMEWORK unchanged)."""

    def apply(grant=None, client=None, anon=None) -> None:
        settings.REST_FRAMEWORK = {
            **settings.REST_FRAMEWORK,
            "DEFAULT_THROTTLE_RATES": {"api_grant": grant, "api_client": client, "api_anon": anon},
        }

    return apply


def test_the_request_over_the_grant_limit_is_429_with_retry_after(client, make_token, bearer, rates):
    rates(grant="2/min")
    token = make_token("profile")

    statuses = [client.get(reverse("api:me"), **bearer(token)).status_code for _ in range(3)]
    response = client.get(reverse("api:me"), **bearer(token))

    assert statuses == [200, 200, 429]
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 60
    body = response.json()
    assert body["error"] == "throttled"
    assert body["error_description"].startswith("Request was throttled.")


def test_a_fresh_token_for_the_same_user_and_client_does_not_reset_the_count(client, make_token, bearer, rates):
    rates(grant="1/min")
    client.get(reverse("api:me"), **bearer(make_token("profile")))

    response = client.get(reverse("api:me"), **bearer(make_token("profile")))

    assert response.status_code == 429


def test_the_grant_limit_counts_each_user_of_a_client_separately(client, make_token, bearer, rates):
    rates(grant="1/min")
    client.get(reverse("api:me"), **bearer(make_token("profile")))

    other = client.get(reverse("api:me"), **bearer(make_token("profile", for_user=UserFactory(username="carol"))))

    assert other.status_code == 200


def test_the_client_limit_counts_all_users_of_a_client_together(client, make_token, bearer, rates):
    rates(client="2/min")
    for username in ("carol", "dave"):
        client.get(reverse("api:me"), **bearer(make_token("profile", for_user=UserFactory(username=username))))

    response = client.get(reverse("api:me"), **bearer(make_token("profile")))

    assert response.status_code == 429


def test_machine_clients_are_throttled_too(client, machine_token, bearer, rates):
    rates(grant="1/min")
    token = machine_token()
    client.get(reverse("api:user-list"), **bearer(token))

    response = client.get(reverse("api:user-list"), **bearer(token))

    assert response.status_code == 429


def test_public_share_links_are_throttled_per_address(client, note, rates):
    rates(anon="1/min")
    note.share()
    url = reverse("api:shared-note", kwargs={"share_key": note.share_key})
    client.get(url)

    response = client.get(url)

    assert response.status_code == 429
    assert "Retry-After" in response


def test_counts_live_in_the_shared_cache_so_another_process_sees_them(client, make_token, bearer, rates, settings):
    rates(grant="1/min")
    database_cache = {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "api_throttle_test"}
    settings.CACHES = {"default": dict(database_cache)}
    call_command("createcachetable", verbosity=0)
    token = make_token("profile")
    assert client.get(reverse("api:me"), **bearer(token)).status_code == 200

    # A new cache client on the same table: what a second worker process would use.
    settings.CACHES = {"default": dict(database_cache)}

    assert client.get(reverse("api:me"), **bearer(token)).status_code == 429


def test_control_per_process_memory_would_forget_the_count(client, make_token, bearer, rates, settings):
    """The control for the test above: it can tell shared counters from per-process ones."""
    rates(grant="1/min")
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "worker-a"}}
    token = make_token("profile")
    assert client.get(reverse("api:me"), **bearer(token)).status_code == 200

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "worker-b"}}

    assert client.get(reverse("api:me"), **bearer(token)).status_code == 200


def test_an_empty_rate_turns_a_limit_off(client, make_token, bearer, rates):
    rates()
    token = make_token("profile")

    statuses = {client.get(reverse("api:me"), **bearer(token)).status_code for _ in range(5)}

    assert statuses == {200}
