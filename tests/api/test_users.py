"""GET /api/users/ and /api/users/<id>/: the machine-to-machine directory, for client-credentials tokens only."""

import pytest
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_users_without_token_returns_401_with_bare_bearer_challenge(client):
    response = client.get(reverse("api:user-list"))

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'


def test_users_with_a_client_credentials_token_and_users_read_lists_accounts(
    client, machine_token, bearer, user, other_user
):
    response = client.get(reverse("api:user-list"), **bearer(machine_token("users:read")))

    assert response.status_code == 200
    results = response.json()["results"]
    assert [u["username"] for u in results] == ["alice", "bob"]
    assert set(results[0]) == {"id", "username", "name", "email", "is_active"}


def test_user_detail_with_users_read_returns_one_account(client, machine_token, bearer, other_user):
    response = client.get(reverse("api:user-detail", kwargs={"pk": other_user.pk}), **bearer(machine_token()))

    assert response.status_code == 200
    assert response.json() == {
        "id": other_user.pk,
        "username": "bob",
        "name": "Bob Liddell",
        "email": "bob@example.test",
        "is_active": True,
    }


def test_users_filter_on_is_active_and_search(client, machine_token, bearer, user):
    UserFactory(username="carol", is_active=False)
    token = machine_token()

    inactive = client.get(reverse("api:user-list"), {"is_active": "false"}, **bearer(token)).json()["results"]
    found = client.get(reverse("api:user-list"), {"search": "carol@"}, **bearer(token)).json()["results"]

    assert [u["username"] for u in inactive] == ["carol"]
    assert [u["username"] for u in found] == ["carol"]


def test_users_with_a_machine_token_lacking_users_read_returns_403(client, machine_token, bearer):
    response = client.get(reverse("api:user-list"), **bearer(machine_token("profile")))

    assert response.status_code == 403
    assert response["WWW-Authenticate"] == (
        'Bearer realm="api", error="insufficient_scope", '
        'error_description="The access token does not grant the scope this request needs.", scope="users:read"'
    )


def test_users_with_a_user_token_lacking_users_read_returns_403(client, make_token, bearer):
    response = client.get(reverse("api:user-list"), **bearer(make_token("openid profile notes:read")))

    assert response.status_code == 403
    assert 'scope="users:read"' in response["WWW-Authenticate"]


def test_users_with_a_user_token_even_carrying_users_read_is_refused(client, make_token, bearer):
    # A user cannot delegate a directory of every account: the endpoint is for a client acting for itself.
    response = client.get(reverse("api:user-list"), **bearer(make_token("users:read")))

    assert response.status_code == 403
    assert response.json() == {
        "error": "insufficient_scope",
        "error_description": "This endpoint serves machine clients: present a client-credentials token.",
    }


def test_users_never_lists_password_hashes(client, machine_token, bearer, user):
    response = client.get(reverse("api:user-list"), **bearer(machine_token()))

    assert "password" not in response.content.decode()
    assert user.password not in response.content.decode()


def test_unknown_user_id_is_404(client, machine_token, bearer):
    response = client.get(reverse("api:user-detail", kwargs={"pk": 999999}), **bearer(machine_token()))

    assert response.status_code == 404
