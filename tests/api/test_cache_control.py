"""Every API response carrying a user's data, or a refusal about it, is Cache-Control: no-store."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("name", "scope"),
    [
        ("api:me", "profile"),
        ("api:note-list", "notes:read"),
        ("api:authorization-list", "authorizations:read"),
    ],
)
def test_user_data_responses_are_no_store(client, make_token, bearer, name, scope):
    response = client.get(reverse(name), **bearer(make_token(scope)))

    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"


def test_note_detail_is_no_store(client, make_token, bearer, note):
    response = client.get(reverse("api:note-detail", kwargs={"pk": note.pk}), **bearer(make_token("notes:read")))

    assert response["Cache-Control"] == "no-store"


def test_user_directory_is_no_store(client, machine_token, bearer):
    response = client.get(reverse("api:user-list"), **bearer(machine_token()))

    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"


def test_refusals_are_no_store_too(client, make_token, bearer):
    unauthenticated = client.get(reverse("api:me"))
    forbidden = client.get(reverse("api:me"), **bearer(make_token("notes:read")))

    assert unauthenticated["Cache-Control"] == forbidden["Cache-Control"] == "no-store"
