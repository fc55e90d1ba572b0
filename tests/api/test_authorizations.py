"""GET /api/authorizations/ and GET/DELETE /api/authorizations/<client_id>/: the apps a user authorized."""

import pytest
from django.urls import reverse
from oauth2_provider.models import get_access_token_model

from tests.factories import AccessTokenFactory, ApplicationFactory

pytestmark = pytest.mark.django_db

AccessToken = get_access_token_model()


@pytest.fixture
def calendar_app(user):
    """A second application ``user`` authorized for notes."""
    app = ApplicationFactory(name="Calendar", client_id="calendar")
    AccessTokenFactory(user=user, application=app, scope="openid notes:read")
    return app


@pytest.fixture
def bobs_app(other_user):
    """An application only ``other_user`` authorized."""
    app = ApplicationFactory(name="Bob's tool", client_id="bobs-tool")
    AccessTokenFactory(user=other_user, application=app, scope="profile")
    return app


def detail(client_id: str) -> str:
    return reverse("api:authorization-detail", kwargs={"client_id": client_id})


def test_authorizations_without_token_returns_401_with_bare_bearer_challenge(client):
    response = client.get(reverse("api:authorization-list"))

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'


def test_authorizations_lists_the_users_apps_with_scopes_and_dates(
    client, make_token, bearer, web_app, calendar_app, bobs_app
):
    token = make_token("authorizations:read")

    response = client.get(reverse("api:authorization-list"), **bearer(token))

    assert response.status_code == 200
    by_client = {entry["client_id"]: entry for entry in response.json()}
    assert set(by_client) == {web_app.client_id, "calendar"}
    assert by_client["calendar"]["name"] == "Calendar"
    assert by_client["calendar"]["scopes"] == ["notes:read", "openid"]
    assert by_client["calendar"]["authorized_at"] is not None


def test_authorizations_without_authorizations_read_returns_403(client, make_token, bearer):
    response = client.get(reverse("api:authorization-list"), **bearer(make_token("authorizations:write")))

    assert response.status_code == 403
    assert response["WWW-Authenticate"] == (
        'Bearer realm="api", error="insufficient_scope", '
        'error_description="The access token does not grant the scope this request needs.", '
        'scope="authorizations:read"'
    )


def test_one_authorization_by_client_id(client, make_token, bearer, calendar_app):
    response = client.get(detail("calendar"), **bearer(make_token("authorizations:read")))

    assert response.status_code == 200
    assert response.json()["client_id"] == "calendar"


def test_another_users_authorization_reads_as_404(client, make_token, bearer, bobs_app):
    response = client.get(detail("bobs-tool"), **bearer(make_token("authorizations:read")))

    assert response.status_code == 404


def test_revoke_with_authorizations_write_withdraws_the_apps_tokens(client, make_token, bearer, user, calendar_app):
    response = client.delete(detail("calendar"), **bearer(make_token("authorizations:write")))

    assert response.status_code == 204
    assert not AccessToken.objects.filter(user=user, application=calendar_app).exists()


def test_revoke_with_only_authorizations_read_returns_403_and_keeps_tokens(
    client, make_token, bearer, user, calendar_app
):
    response = client.delete(detail("calendar"), **bearer(make_token("authorizations:read")))

    assert response.status_code == 403
    assert 'scope="authorizations:write"' in response["WWW-Authenticate"]
    assert AccessToken.objects.filter(user=user, application=calendar_app).exists()


def test_revoking_another_users_authorization_is_404_and_keeps_their_tokens(
    client, make_token, bearer, other_user, bobs_app
):
    response = client.delete(detail("bobs-tool"), **bearer(make_token("authorizations:write")))

    assert response.status_code == 404
    assert AccessToken.objects.filter(user=other_user, application=bobs_app).exists()


def test_authorizations_with_a_client_credentials_token_is_refused_not_crashed(client, machine_token, bearer):
    response = client.get(reverse("api:authorization-list"), **bearer(machine_token("authorizations:read")))

    assert response.status_code == 403
    assert response.json()["error"] == "insufficient_scope"
