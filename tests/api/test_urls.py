"""The API's public paths, pinned: clients hard-code them, so a change here is a breaking change."""

import uuid

import pytest
from django.urls import reverse

NOTE = uuid.UUID("12345678-1234-5678-1234-567812345678")


@pytest.mark.parametrize(
    ("name", "kwargs", "path"),
    [
        ("api:me", {}, "/api/me/"),
        ("api:note-list", {}, "/api/notes/"),
        ("api:note-detail", {"pk": NOTE}, f"/api/notes/{NOTE}/"),
        ("api:note-archive", {"pk": NOTE}, f"/api/notes/{NOTE}/archive/"),
        ("api:note-unarchive", {"pk": NOTE}, f"/api/notes/{NOTE}/unarchive/"),
        ("api:note-share", {"pk": NOTE}, f"/api/notes/{NOTE}/share/"),
        ("api:shared-note", {"share_key": "k3y"}, "/api/shared-notes/k3y/"),
        ("api:authorization-list", {}, "/api/authorizations/"),
        ("api:authorization-detail", {"client_id": "demo-web"}, "/api/authorizations/demo-web/"),
        ("api:user-list", {}, "/api/users/"),
        ("api:user-detail", {"pk": 7}, "/api/users/7/"),
        ("api:schema", {}, "/api/schema/"),
        ("api:docs", {}, "/api/docs/"),
        ("api:docs-oauth2-redirect", {}, "/api/docs/oauth2-redirect.html"),
    ],
)
def test_public_api_path(name, kwargs, path):
    assert reverse(name, kwargs=kwargs) == path


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["get", "post", "delete"])
def test_an_unknown_api_path_is_a_json_404(client, method):
    response = getattr(client, method)("/api/notes/not-a-uuid/")

    assert response.status_code == 404
    assert response.json() == {"error": "not_found", "error_description": "Not found."}


@pytest.mark.django_db
def test_an_api_path_without_its_trailing_slash_still_redirects(client):
    response = client.get("/api/me")

    assert response.status_code == 301
    assert response["Location"] == "/api/me/"
