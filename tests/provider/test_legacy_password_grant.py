"""The resource owner password grant: refused (RFC 9700 §2.4) unless an admin gave a legacy client it."""

import pytest
from oauth2_provider.models import get_access_token_model

from clients.models import GrantType
from tests.factories import USER_PASSWORD, ApplicationFactory, MachineApplicationFactory
from tests.flows import token_request

pytestmark = pytest.mark.django_db


@pytest.fixture
def legacy_app(db):
    """A confidential client an admin explicitly gave the LEGACY password grant."""
    return ApplicationFactory(
        grant_types=[GrantType.PASSWORD, GrantType.REFRESH_TOKEN],
        redirect_uris="",
        allowed_scopes=["openid", "profile", "notes:read"],
    )


def password_grant(http, app, *, username: str = "alice", password: str = USER_PASSWORD, **extra):
    data = {"grant_type": "password", "username": username, "password": password, **extra}
    return token_request(http, app, data)


def test_a_normal_confidential_client_is_unauthorized_client(client, user, web_app):
    response = password_grant(client, web_app)

    assert response.status_code == 400
    assert response.json()["error"] == "unauthorized_client"
    assert not get_access_token_model().objects.exists()


def test_a_machine_client_is_unauthorized_client(client, user, machine_app):
    response = password_grant(client, machine_app)

    assert response.json()["error"] == "unauthorized_client"


def test_a_public_client_is_refused(client, user, public_app):
    response = password_grant(client, public_app)

    assert response.status_code in {400, 401}
    assert response.json()["error"] in {"unauthorized_client", "invalid_client"}
    assert not get_access_token_model().objects.exists()


def test_a_public_client_with_the_grant_forced_into_the_database_is_still_refused(client, user, public_app):
    # The admin form refuses this combination; a row written around it must not open the grant.
    public_app.grant_types = [GrantType.PASSWORD]
    public_app.save()

    response = password_grant(client, public_app)

    assert response.status_code in {400, 401}
    assert not get_access_token_model().objects.exists()


def test_the_legacy_client_gets_tokens_for_the_right_password(client, user, legacy_app):
    response = password_grant(client, legacy_app, scope="profile")

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["token_type"] == "Bearer"
    assert body["scope"] == "profile"
    assert response["Cache-Control"] == "no-store"
    assert get_access_token_model().objects.get(application=legacy_app).user == user


def test_a_wrong_password_is_invalid_grant(client, user, legacy_app):
    response = password_grant(client, legacy_app, password="not-the-password")

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"
    assert not get_access_token_model().objects.exists()


def test_an_unknown_user_is_invalid_grant(client, db, legacy_app):
    response = password_grant(client, legacy_app, username="nobody")

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"


def test_an_inactive_user_is_invalid_grant(client, user, legacy_app):
    user.is_active = False
    user.save()

    response = password_grant(client, legacy_app)

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"


def test_the_legacy_client_still_needs_its_secret(client, user, legacy_app):
    data = {"grant_type": "password", "username": "alice", "password": USER_PASSWORD}

    response = token_request(client, legacy_app, data, secret="wrong-secret")

    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"


def test_the_legacy_client_is_held_to_its_allowed_scopes(client, user, legacy_app):
    response = password_grant(client, legacy_app, scope="notes:write")

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_scope"


def test_the_legacy_grant_is_not_advertised(client):
    for path in ("/.well-known/openid-configuration", "/.well-known/oauth-authorization-server"):
        assert "password" not in client.get(path).json()["grant_types_supported"]


def test_a_client_with_only_client_credentials_cannot_slip_in_a_password_request(client, user):
    app = MachineApplicationFactory(allowed_scopes=["profile"])

    response = password_grant(client, app, scope="profile")

    assert response.json()["error"] == "unauthorized_client"
