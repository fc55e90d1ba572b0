"""GET and PATCH /api/me/: the token owner's profile, with profile to read and profile:write to change."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

URL = "/api/me/"


def test_me_without_token_returns_401_with_bare_bearer_challenge(client):
    response = client.get(reverse("api:me"))

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'
    assert response.json()["error"] == "not_authenticated"


def test_me_with_profile_scope_returns_the_token_owners_profile(client, make_token, bearer, user, other_user):
    response = client.get(reverse("api:me"), **bearer(make_token("profile")))

    assert response.status_code == 200
    assert response.json() == {
        "id": user.pk,
        "username": "alice",
        "name": "Alice Liddell",
        "first_name": "Alice",
        "last_name": "Liddell",
        "email": None,
        "email_verified": None,
    }


def test_me_releases_the_email_address_only_with_the_email_scope(client, make_token, bearer):
    response = client.get(reverse("api:me"), **bearer(make_token("profile email")))

    assert response.json()["email"] == "alice@example.test"
    assert response.json()["email_verified"] is True


def test_me_without_profile_scope_returns_403_insufficient_scope(client, make_token, bearer):
    response = client.get(reverse("api:me"), **bearer(make_token("notes:read")))

    assert response.status_code == 403
    assert response["WWW-Authenticate"] == (
        'Bearer realm="api", error="insufficient_scope", '
        'error_description="The access token does not grant the scope this request needs.", scope="profile"'
    )
    assert response.json() == {
        "error": "insufficient_scope",
        "error_description": "The access token does not grant the scope this request needs.",
    }


def test_patch_me_with_profile_write_changes_only_the_names(client, make_token, bearer, user):
    response = client.patch(
        reverse("api:me"),
        {"first_name": "Alicia", "last_name": "Smith", "username": "mallory", "email": "x@evil.test"},
        content_type="application/json",
        **bearer(make_token("profile:write")),
    )

    assert response.status_code == 200, response.content
    user.refresh_from_db()
    assert (user.first_name, user.last_name) == ("Alicia", "Smith")
    assert (user.username, user.email) == ("alice", "alice@example.test")
    assert response.json()["name"] == "Alicia Smith"


def test_patch_me_with_only_the_read_scope_returns_403_naming_profile_write(client, make_token, bearer, user):
    response = client.patch(
        reverse("api:me"), {"first_name": "Eve"}, content_type="application/json", **bearer(make_token("profile"))
    )

    assert response.status_code == 403
    assert 'scope="profile:write"' in response["WWW-Authenticate"]
    user.refresh_from_db()
    assert user.first_name == "Alice"


def test_patch_me_with_an_overlong_name_is_a_field_error(client, make_token, bearer):
    response = client.patch(
        reverse("api:me"),
        {"first_name": "A" * 151},
        content_type="application/json",
        **bearer(make_token("profile:write")),
    )

    assert response.status_code == 400
    body = response.json()
    assert body["error"] == "validation_error"
    assert "first_name" in body["fields"]


def test_me_with_a_client_credentials_token_is_refused_not_crashed(client, machine_token, bearer):
    response = client.get(reverse("api:me"), **bearer(machine_token("profile")))

    assert response.status_code == 403
    assert response.json()["error"] == "insufficient_scope"
    assert 'error="insufficient_scope"' in response["WWW-Authenticate"]
    assert 'scope="profile"' in response["WWW-Authenticate"]
