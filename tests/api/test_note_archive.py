"""POST /api/notes/<id>/archive/ and /unarchive/: an action scope of its own, notes:archive."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def archive_url(note) -> str:
    return reverse("api:note-archive", kwargs={"pk": note.pk})


def unarchive_url(note) -> str:
    return reverse("api:note-unarchive", kwargs={"pk": note.pk})


def test_archive_without_token_returns_401_with_bare_bearer_challenge(client, note):
    response = client.post(archive_url(note))

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'


def test_archive_with_notes_archive_alone_archives_the_note(client, make_token, bearer, note):
    response = client.post(archive_url(note), **bearer(make_token("notes:archive")))

    assert response.status_code == 200
    assert response.json()["archived"] is True
    note.refresh_from_db()
    assert note.archived_at is not None


def test_archive_with_notes_write_is_not_enough(client, make_token, bearer, note):
    response = client.post(archive_url(note), **bearer(make_token("notes:read notes:write")))

    assert response.status_code == 403
    assert response["WWW-Authenticate"] == (
        'Bearer realm="api", error="insufficient_scope", '
        'error_description="The access token does not grant the scope this request needs.", scope="notes:archive"'
    )
    note.refresh_from_db()
    assert note.archived_at is None


def test_notes_archive_alone_grants_neither_reading_nor_editing(client, make_token, bearer, note):
    token = make_token("notes:archive")

    read = client.get(reverse("api:note-detail", kwargs={"pk": note.pk}), **bearer(token))
    edit = client.patch(
        reverse("api:note-detail", kwargs={"pk": note.pk}),
        {"title": "x"},
        content_type="application/json",
        **bearer(token),
    )

    assert (read.status_code, edit.status_code) == (403, 403)


def test_unarchive_brings_the_note_back(client, make_token, bearer, note):
    note.archive()

    response = client.post(unarchive_url(note), **bearer(make_token("notes:archive")))

    assert response.status_code == 200
    assert response.json()["archived"] is False
    note.refresh_from_db()
    assert note.archived_at is None


def test_archiving_twice_keeps_the_first_archive_date(client, make_token, bearer, note):
    token = make_token("notes:archive")
    client.post(archive_url(note), **bearer(token))
    note.refresh_from_db()
    first = note.archived_at

    client.post(archive_url(note), **bearer(token))

    note.refresh_from_db()
    assert note.archived_at == first


def test_archiving_another_users_note_is_404_and_changes_nothing(client, make_token, bearer, other_note):
    token = make_token("notes:archive")

    archived = client.post(archive_url(other_note), **bearer(token))
    unarchived = client.post(unarchive_url(other_note), **bearer(token))

    assert archived.status_code == unarchived.status_code == 404
    other_note.refresh_from_db()
    assert other_note.archived_at is None


def test_archive_with_a_client_credentials_token_is_refused_not_crashed(client, machine_token, bearer, note):
    response = client.post(archive_url(note), **bearer(machine_token("notes:archive")))

    assert response.status_code == 403
    assert response.json()["error"] == "insufficient_scope"
