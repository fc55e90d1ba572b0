"""Refresh tokens rotate on every use, and replaying a rotated one revokes the whole family (RFC 9700 §4.14.2)."""

import hashlib

import pytest
from oauth2_provider.models import get_access_token_model, get_refresh_token_model

from clients.models import GrantType
from tests.factories import ApplicationFactory
from tests.flows import token_request, tokens_for

pytestmark = pytest.mark.django_db


def checksum(raw: str) -> str:
    """How the provider finds a token at rest: the sha256 of its raw value."""
    return hashlib.sha256(raw.encode()).hexdigest()


def refresh(http, app, refresh_token: str, **extra):
    """Use ``refresh_token`` at the token endpoint as ``app``."""
    return token_request(http, app, {"grant_type": "refresh_token", "refresh_token": refresh_token, **extra})


def test_refreshing_rotates_the_refresh_token(browser, client, web_app):
    first = tokens_for(browser, client, web_app)

    response = refresh(client, web_app, first["refresh_token"])

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["refresh_token"] != first["refresh_token"]
    assert body["access_token"] != first["access_token"]
    assert body["scope"] == "openid profile"
    assert response["Cache-Control"] == "no-store"


def test_the_rotated_refresh_token_works_in_turn(browser, client, web_app):
    first = tokens_for(browser, client, web_app)
    second = refresh(client, web_app, first["refresh_token"]).json()

    response = refresh(client, web_app, second["refresh_token"])

    assert response.status_code == 200, response.content


def test_refreshing_revokes_the_previous_access_token(browser, client, web_app):
    first = tokens_for(browser, client, web_app)

    refresh(client, web_app, first["refresh_token"])

    assert not get_access_token_model().objects.filter(token_checksum=checksum(first["access_token"])).exists()


def test_replaying_a_rotated_refresh_token_is_invalid_grant(browser, client, web_app):
    first = tokens_for(browser, client, web_app)
    refresh(client, web_app, first["refresh_token"])

    replay = refresh(client, web_app, first["refresh_token"])

    assert replay.status_code == 400
    assert replay.json()["error"] == "invalid_grant"


def test_replay_revokes_the_whole_family_so_the_newest_token_fails_too(browser, client, web_app):
    first = tokens_for(browser, client, web_app)
    second = refresh(client, web_app, first["refresh_token"]).json()

    refresh(client, web_app, first["refresh_token"])  # the thief (or the victim) replays

    newest = refresh(client, web_app, second["refresh_token"])
    assert newest.status_code == 400
    assert newest.json()["error"] == "invalid_grant"
    assert not get_access_token_model().objects.filter(token_checksum=checksum(second["access_token"])).exists()
    assert not get_refresh_token_model().objects.filter(application=web_app, revoked__isnull=True).exists()


def test_a_refresh_token_cannot_be_used_by_another_client(browser, client, web_app):
    first = tokens_for(browser, client, web_app)
    other = ApplicationFactory()

    response = refresh(client, other, first["refresh_token"])

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"


def test_refreshing_cannot_widen_the_scope(browser, client, web_app):
    first = tokens_for(browser, client, web_app, scope="openid")

    response = refresh(client, web_app, first["refresh_token"], scope="openid profile")

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_scope"


def test_refreshing_may_narrow_the_scope(browser, client, web_app):
    first = tokens_for(browser, client, web_app, scope="openid profile")

    response = refresh(client, web_app, first["refresh_token"], scope="openid")

    assert response.status_code == 200, response.content
    assert response.json()["scope"] == "openid"


def test_an_unknown_refresh_token_is_invalid_grant(client, web_app):
    response = refresh(client, web_app, "not-a-refresh-token")

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"


def test_a_client_without_the_refresh_grant_gets_no_refresh_token(browser, client):
    app = ApplicationFactory(grant_types=[GrantType.AUTHORIZATION_CODE])

    body = tokens_for(browser, client, app)

    assert "refresh_token" not in body
    assert not get_refresh_token_model().objects.filter(application=app).exists()


def test_a_client_without_the_refresh_grant_cannot_refresh(browser, client, web_app):
    first = tokens_for(browser, client, web_app)
    web_app.grant_types = [GrantType.AUTHORIZATION_CODE]
    web_app.save()

    response = refresh(client, web_app, first["refresh_token"])

    assert response.status_code == 400
    assert response.json()["error"] == "unauthorized_client"
