"""POST and DELETE /api/notes/<id>/share/: publish or withdraw a read-only link, with the notes:share scope."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def share_url(note) -> str:
    return reverse("api:note-share", kwargs={"pk": note.pk})


def test_share_without_token_returns_401_with_bare_bearer_challenge(client, note):
    response = client.post(share_url(note))

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'


def test_share_with_notes_share_returns_a_link_that_shows_the_note(client, make_token, bearer, note):
    response = client.post(share_url(note), **bearer(make_token("notes:share")))

    assert response.status_code == 200
    body = response.json()
    assert body["shared"] is True
    note.refresh_from_db()
    assert body["share_url"] == f"http://testserver/api/shared-notes/{note.share_key}/"
    assert len(note.share_key) >= 43
    public = client.get(body["share_url"])
    assert public.status_code == 200
    assert public.json()["title"] == "Shopping"


def test_sharing_twice_keeps_the_same_link(client, make_token, bearer, note):
    token = make_token("notes:share")

    first = client.post(share_url(note), **bearer(token)).json()["share_url"]
    second = client.post(share_url(note), **bearer(token)).json()["share_url"]

    assert first == second


def test_share_with_notes_write_is_not_enough(client, make_token, bearer, note):
    response = client.post(share_url(note), **bearer(make_token("notes:read notes:write")))

    assert response.status_code == 403
    assert 'scope="notes:share"' in response["WWW-Authenticate"]
    note.refresh_from_db()
    assert note.share_key is None


def test_unshare_withdraws_the_link_so_it_reads_as_404(client, make_token, bearer, note):
    note.share()
    link = reverse("api:shared-note", kwargs={"share_key": note.share_key})

    response = client.delete(share_url(note), **bearer(make_token("notes:share")))

    assert response.status_code == 204
    note.refresh_from_db()
    assert note.share_key is None
    assert client.get(link).status_code == 404


def test_sharing_or_unsharing_another_users_note_is_404(client, make_token, bearer, other_note):
    other_note.share()
    key = other_note.share_key
    token = make_token("notes:share")

    shared = client.post(share_url(other_note), **bearer(token))
    unshared = client.delete(share_url(other_note), **bearer(token))

    assert shared.status_code == unshared.status_code == 404
    other_note.refresh_from_db()
    assert other_note.share_key == key


def test_share_with_a_client_credentials_token_is_refused_not_crashed(client, machine_token, bearer, note):
    response = client.post(share_url(note), **bearer(machine_token("notes:share")))

    assert response.status_code == 403
    assert response.json()["error"] == "insufficient_scope"
