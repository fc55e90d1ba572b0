"""GET and POST /api/notes/: list (paged, searchable, filterable, ordered) and create, for the token's user only."""

import pytest
from django.urls import reverse

from api.models import Note
from tests.factories import NoteFactory

pytestmark = pytest.mark.django_db


def test_notes_without_token_returns_401_with_bare_bearer_challenge(client):
    response = client.get(reverse("api:note-list"))

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'


def test_notes_with_notes_read_lists_only_the_token_owners_notes(client, make_token, bearer, note, other_note):
    response = client.get(reverse("api:note-list"), **bearer(make_token("notes:read")))

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    assert [item["id"] for item in body["results"]] == [str(note.pk)]
    assert "Bob" not in response.content.decode()


def test_notes_list_without_notes_read_returns_403_naming_notes_read(client, make_token, bearer, note):
    response = client.get(reverse("api:note-list"), **bearer(make_token("notes:write profile")))

    assert response.status_code == 403
    assert response["WWW-Authenticate"] == (
        'Bearer realm="api", error="insufficient_scope", '
        'error_description="The access token does not grant the scope this request needs.", scope="notes:read"'
    )


def test_create_note_with_notes_write_belongs_to_the_token_owner(client, make_token, bearer, user):
    response = client.post(
        reverse("api:note-list"),
        {"title": "Call mum", "body": "Sunday", "pinned": True},
        content_type="application/json",
        **bearer(make_token("notes:write")),
    )

    assert response.status_code == 201, response.content
    body = response.json()
    note = Note.objects.get(pk=body["id"])
    assert note.owner == user
    assert body["title"] == "Call mum"
    assert body["pinned"] is True
    assert body["archived"] is False
    assert body["shared"] is False
    assert body["share_url"] is None
    assert response["Location"] == f"http://testserver/api/notes/{note.pk}/"


def test_create_note_ignores_an_owner_or_id_in_the_body(client, make_token, bearer, user, other_user):
    response = client.post(
        reverse("api:note-list"),
        {"title": "Mine", "owner": other_user.pk, "id": "00000000-0000-0000-0000-000000000001"},
        content_type="application/json",
        **bearer(make_token("notes:write")),
    )

    assert response.status_code == 201
    note = Note.objects.get()
    assert note.owner == user
    assert str(note.pk) != "00000000-0000-0000-0000-000000000001"


def test_create_note_with_only_notes_read_returns_403_naming_notes_write(client, make_token, bearer):
    response = client.post(
        reverse("api:note-list"), {"title": "x"}, content_type="application/json", **bearer(make_token("notes:read"))
    )

    assert response.status_code == 403
    assert 'scope="notes:write"' in response["WWW-Authenticate"]
    assert not Note.objects.exists()


def test_create_note_without_title_is_a_field_error(client, make_token, bearer):
    response = client.post(
        reverse("api:note-list"),
        {"body": "no title"},
        content_type="application/json",
        **bearer(make_token("notes:write")),
    )

    assert response.status_code == 400
    body = response.json()
    assert body["error"] == "validation_error"
    assert body["fields"] == {"title": ["This field is required."]}


def test_notes_with_a_client_credentials_token_is_refused_not_crashed(client, machine_token, bearer):
    response = client.get(reverse("api:note-list"), **bearer(machine_token("notes:read")))

    assert response.status_code == 403
    assert response.json()["error"] == "insufficient_scope"


def test_notes_are_paged_and_the_page_size_is_capped(client, make_token, bearer, user):
    NoteFactory.create_batch(25, owner=user)
    token = make_token("notes:read")

    first = client.get(reverse("api:note-list"), **bearer(token)).json()
    big = client.get(reverse("api:note-list"), {"page_size": 1000}, **bearer(token)).json()

    assert first["count"] == 25
    assert len(first["results"]) == 20
    assert first["next"].endswith("/api/notes/?page=2")
    assert len(big["results"]) == 25


def test_notes_search_matches_title_and_body_of_own_notes_only(client, make_token, bearer, user, other_user):
    NoteFactory(owner=user, title="Garden", body="plant tulips")
    NoteFactory(owner=user, title="Tulip festival", body="")
    NoteFactory(owner=user, title="Taxes", body="")
    NoteFactory(owner=other_user, title="Tulips for bob", body="")

    response = client.get(reverse("api:note-list"), {"search": "tulip"}, **bearer(make_token("notes:read")))

    assert sorted(item["title"] for item in response.json()["results"]) == ["Garden", "Tulip festival"]


def test_notes_filter_on_pinned_and_archived(client, make_token, bearer, user):
    NoteFactory(owner=user, title="pinned", pinned=True)
    NoteFactory(owner=user, title="plain")
    archived = NoteFactory(owner=user, title="old")
    archived.archive()
    token = make_token("notes:read")

    def titles(**params):
        return sorted(
            i["title"] for i in client.get(reverse("api:note-list"), params, **bearer(token)).json()["results"]
        )

    assert titles(pinned="true") == ["pinned"]
    assert titles(archived="true") == ["old"]
    assert titles(archived="false", pinned="false") == ["plain"]


def test_notes_filter_with_a_non_boolean_value_is_a_field_error(client, make_token, bearer):
    response = client.get(reverse("api:note-list"), {"pinned": "maybe"}, **bearer(make_token("notes:read")))

    assert response.status_code == 400
    assert response.json()["fields"] == {"pinned": ["Use true or false."]}


def test_notes_are_ordered_pinned_first_then_by_the_requested_field(client, make_token, bearer, user):
    NoteFactory(owner=user, title="b")
    NoteFactory(owner=user, title="a")
    NoteFactory(owner=user, title="c", pinned=True)
    token = make_token("notes:read")

    default = client.get(reverse("api:note-list"), **bearer(token)).json()["results"]
    by_title = client.get(reverse("api:note-list"), {"ordering": "title"}, **bearer(token)).json()["results"]

    assert default[0]["title"] == "c"
    assert [n["title"] for n in by_title] == ["a", "b", "c"]


def test_an_oversized_body_is_413_json_not_an_html_page(client, make_token, bearer, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024

    response = client.post(
        reverse("api:note-list"),
        {"title": "big", "body": "x" * 2048},
        content_type="application/json",
        **bearer(make_token("notes:write")),
    )

    assert response.status_code == 413
    assert response.json()["error"] == "request_too_large"
