"""GET, PUT, PATCH and DELETE /api/notes/<id>/: one of the token owner's notes; anyone else's is 404."""

import uuid

import pytest
from django.urls import reverse

from api.models import Note

pytestmark = pytest.mark.django_db


def url(note) -> str:
    return reverse("api:note-detail", kwargs={"pk": note.pk})


def test_note_without_token_returns_401_with_bare_bearer_challenge(client, note):
    response = client.get(url(note))

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'


def test_note_with_notes_read_returns_it(client, make_token, bearer, note):
    response = client.get(url(note), **bearer(make_token("notes:read")))

    assert response.status_code == 200
    assert response.json()["title"] == "Shopping"
    assert response.json()["body"] == "eggs, flour"


def test_note_without_notes_read_returns_403_naming_notes_read(client, make_token, bearer, note):
    response = client.get(url(note), **bearer(make_token("notes:write")))

    assert response.status_code == 403
    assert 'scope="notes:read"' in response["WWW-Authenticate"]


def test_another_users_note_reads_as_404_exactly_like_a_missing_one(client, make_token, bearer, other_note):
    token = make_token("notes:read")

    theirs = client.get(url(other_note), **bearer(token))
    missing = client.get(reverse("api:note-detail", kwargs={"pk": uuid.uuid4()}), **bearer(token))

    assert theirs.status_code == missing.status_code == 404
    assert theirs.json() == missing.json() == {"error": "not_found", "error_description": "Not found."}


def test_patch_note_with_notes_write_changes_it(client, make_token, bearer, note):
    response = client.patch(
        url(note), {"body": "eggs"}, content_type="application/json", **bearer(make_token("notes:write"))
    )

    assert response.status_code == 200
    note.refresh_from_db()
    assert note.body == "eggs"
    assert note.title == "Shopping"


def test_put_note_with_notes_write_replaces_it(client, make_token, bearer, note):
    response = client.put(
        url(note),
        {"title": "Groceries", "body": "", "pinned": True},
        content_type="application/json",
        **bearer(make_token("notes:write")),
    )

    assert response.status_code == 200
    note.refresh_from_db()
    assert (note.title, note.body, note.pinned) == ("Groceries", "", True)


def test_patch_note_with_only_notes_read_returns_403_and_changes_nothing(client, make_token, bearer, note):
    response = client.patch(
        url(note), {"body": "x"}, content_type="application/json", **bearer(make_token("notes:read"))
    )

    assert response.status_code == 403
    assert 'scope="notes:write"' in response["WWW-Authenticate"]
    note.refresh_from_db()
    assert note.body == "eggs, flour"


def test_updating_another_users_note_is_404_and_changes_nothing(client, make_token, bearer, other_note):
    token = make_token("notes:write")

    patched = client.patch(url(other_note), {"body": "pwned"}, content_type="application/json", **bearer(token))
    put = client.put(url(other_note), {"title": "pwned"}, content_type="application/json", **bearer(token))

    assert patched.status_code == put.status_code == 404
    other_note.refresh_from_db()
    assert (other_note.title, other_note.body) == ("Bob's secret plan", "only for bob")


def test_delete_note_with_notes_write_deletes_it(client, make_token, bearer, note):
    response = client.delete(url(note), **bearer(make_token("notes:write")))

    assert response.status_code == 204
    assert not Note.objects.filter(pk=note.pk).exists()


def test_deleting_another_users_note_is_404_and_keeps_it(client, make_token, bearer, other_note):
    response = client.delete(url(other_note), **bearer(make_token("notes:write")))

    assert response.status_code == 404
    assert Note.objects.filter(pk=other_note.pk).exists()


def test_delete_note_with_only_notes_read_returns_403_and_keeps_it(client, make_token, bearer, note):
    response = client.delete(url(note), **bearer(make_token("notes:read")))

    assert response.status_code == 403
    assert Note.objects.filter(pk=note.pk).exists()


def test_note_with_a_client_credentials_token_is_refused_not_crashed(client, machine_token, bearer, note):
    response = client.get(url(note), **bearer(machine_token("notes:read")))

    assert response.status_code == 403
    assert response.json()["error"] == "insufficient_scope"


def test_a_method_the_endpoint_does_not_serve_is_405(client, make_token, bearer, note):
    response = client.post(url(note), {}, content_type="application/json", **bearer(make_token("notes:write")))

    assert response.status_code == 405
    assert response.json()["error"] == "method_not_allowed"
