"""Our API accepts our JWT access tokens: checked on their own, then through the token cache (no query when warm)."""

import pytest
from django.db import connection
from django.urls import reverse
from oauth2_provider.models import get_access_token_model

from tests.flows import endpoint_request
from tests.idp import set_idp
from tests.jwt_access_tokens.conftest import bearer

pytestmark = pytest.mark.django_db


def test_a_machine_jwt_reads_what_its_scope_allows(client, machine_jwt):
    response = client.get(reverse("api:user-list"), **bearer(machine_jwt(scope="users:read")))

    assert response.status_code == 200, response.content


def test_a_user_jwt_reads_the_users_profile(client, user_jwt, user):
    response = client.get(reverse("api:me"), **bearer(user_jwt()["access_token"]))

    assert response.status_code == 200, response.content
    assert response.json()["username"] == user.username


def test_a_jwt_without_the_scope_is_insufficient_scope(client, machine_jwt):
    response = client.get(reverse("api:user-list"), **bearer(machine_jwt(scope="notes:read")))

    assert response.status_code == 403
    assert 'error="insufficient_scope"' in response["WWW-Authenticate"]


def test_a_user_jwt_costs_one_query_when_first_seen_and_none_after(
    client, user_jwt, feed_not_due, django_assert_num_queries
):
    token = user_jwt()["access_token"]
    # The token's row with its user and client, read once by this process (the token cache keeps them).
    with django_assert_num_queries(1):
        assert client.get(reverse("api:me"), **bearer(token)).status_code == 200

    with django_assert_num_queries(0):
        response = client.get(reverse("api:me"), **bearer(token))

    assert response.status_code == 200


def test_a_revoked_jwt_is_refused_at_once(client, machine_jwt, jwt_machine_app):
    token = machine_jwt()
    assert client.get(reverse("api:user-list"), **bearer(token)).status_code == 200

    revoked = endpoint_request(client, "oauth2_provider:revoke-token", jwt_machine_app, {"token": token})

    assert revoked.status_code == 200
    response = client.get(reverse("api:user-list"), **bearer(token))
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_token"


def test_a_jwt_revoked_by_another_process_is_refused_once_the_feed_is_read(
    client, settings, machine_jwt, feed_not_due
):
    token = machine_jwt()
    assert client.get(reverse("api:user-list"), **bearer(token)).status_code == 200
    # Another process's revocation: a DELETE this process sends no signal for; only the feed tells it.
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {get_access_token_model()._meta.db_table}")  # noqa: S608 - model metadata
    assert client.get(reverse("api:user-list"), **bearer(token)).status_code == 200  # the feed is not due yet

    set_idp(settings, TOKEN_CACHE_POLL_SECONDS=0.0)

    response = client.get(reverse("api:user-list"), **bearer(token))
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_token"


def test_a_jwt_bound_to_another_resource_is_refused(client, machine_jwt):
    token = machine_jwt(resource="https://notes.example.test/")

    response = client.get(reverse("api:user-list"), **bearer(token))

    assert response.status_code == 401
    assert "not meant for this resource server" in response.json()["error_description"]


def test_a_jwt_bound_to_this_api_as_a_resource_is_accepted(client, machine_jwt):
    token = machine_jwt(resource="http://testserver/api/")

    assert client.get(reverse("api:user-list"), **bearer(token)).status_code == 200


def test_with_the_token_cache_switched_off_dots_own_path_accepts_it_too(client, settings, machine_jwt):
    set_idp(settings, TOKEN_CACHE_ENABLED=False)

    assert client.get(reverse("api:user-list"), **bearer(machine_jwt())).status_code == 200


def test_userinfo_accepts_a_user_jwt(client, user_jwt, user):
    response = client.get(reverse("oauth2_provider:user-info"), **bearer(user_jwt()["access_token"]))

    assert response.status_code == 200, response.content
    assert response.json()["sub"] == str(user.pk)
