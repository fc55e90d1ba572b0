"""DRF's browsable API renders for a browser that sends a bearer token, and refuses one that does not."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_browsable_api_renders_the_users_notes_as_html(client, make_token, bearer, note, other_note):
    response = client.get(reverse("api:note-list"), HTTP_ACCEPT="text/html", **bearer(make_token("notes:read")))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert "Shopping" in html
    assert "secret plan" not in html


def test_browsable_api_without_token_is_401_html_with_the_bearer_challenge(client):
    response = client.get(reverse("api:note-list"), HTTP_ACCEPT="text/html")

    assert response.status_code == 401
    assert response["Content-Type"].startswith("text/html")
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'


def test_browsable_api_offers_no_write_form_to_a_read_only_token(client, make_token, bearer):
    response = client.get(reverse("api:note-list"), HTTP_ACCEPT="text/html", **bearer(make_token("notes:read")))

    assert 'id="post-object-form"' not in response.content.decode()


def test_browsable_api_offers_the_create_form_to_a_token_with_notes_write(client, make_token, bearer):
    response = client.get(
        reverse("api:note-list"), HTTP_ACCEPT="text/html", **bearer(make_token("notes:read notes:write"))
    )

    assert 'id="post-object-form"' in response.content.decode()
