"""GET /api/shared-notes/<key>/: public, read-only, and revealing nothing but the shared note's text."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_shared_note_is_readable_without_a_token_and_without_its_owner(client, note):
    note.share()

    response = client.get(reverse("api:shared-note", kwargs={"share_key": note.share_key}))

    assert response.status_code == 200
    assert set(response.json()) == {"title", "body", "updated"}
    assert "alice" not in response.content.decode()
    assert response["Cache-Control"] == "no-store"


def test_shared_note_ignores_a_bad_authorization_header(client, note):
    note.share()

    response = client.get(
        reverse("api:shared-note", kwargs={"share_key": note.share_key}), HTTP_AUTHORIZATION="Bearer nonsense"
    )

    assert response.status_code == 200


def test_unknown_share_key_is_404(client, note):
    note.share()

    response = client.get(reverse("api:shared-note", kwargs={"share_key": "not-a-real-share-key"}))

    assert response.status_code == 404
    assert response.json() == {"error": "not_found", "error_description": "Not found."}


def test_shared_note_accepts_no_writes(client, note):
    note.share()
    url = reverse("api:shared-note", kwargs={"share_key": note.share_key})

    response = client.delete(url)

    assert response.status_code == 405
    note.refresh_from_db()
    assert note.share_key is not None
