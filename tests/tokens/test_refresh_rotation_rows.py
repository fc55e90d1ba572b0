"""What a rotation leaves in the database (tokens.rotation): the rows DOT's own rotation would leave."""

import pytest
from django.test import Client
from oauth2_provider.models import get_access_token_model, get_refresh_token_model

from tests.flows import token_request, tokens_for
from tests.idp import set_idp
from tests.tokens.probes import access_token_stored, access_token_works, refresh, refresh_token_live
from tokens.checksums import sha256_hex
from tokens.models import TokenFamily

pytestmark = pytest.mark.django_db

API = "https://api.example.com/"
OTHER_API = "https://other.example.com/"


def stored_refresh_token(raw: str):
    return get_refresh_token_model().objects.get(token_checksum=sha256_hex(raw))


def stored_access_token(raw: str):
    return get_access_token_model().objects.get(token_checksum=sha256_hex(raw))


def test_the_old_refresh_token_is_revoked_and_no_longer_points_at_an_access_token(browser, client, web_app):
    first = tokens_for(browser, client, web_app)

    assert refresh(client, web_app, first["refresh_token"]).status_code == 200

    old = stored_refresh_token(first["refresh_token"])
    assert old.revoked is not None
    assert old.updated == old.revoked
    assert old.access_token_id is None


def test_the_old_access_token_is_deleted(browser, client, web_app):
    first = tokens_for(browser, client, web_app)

    refresh(client, web_app, first["refresh_token"])

    assert not access_token_stored(first["access_token"])


def test_the_new_pair_continues_the_family_from_the_old_refresh_token(browser, client, web_app, user):
    first = tokens_for(browser, client, web_app)
    old = stored_refresh_token(first["refresh_token"])

    second = refresh(client, web_app, first["refresh_token"]).json()

    new_refresh_token = stored_refresh_token(second["refresh_token"])
    new_access_token = stored_access_token(second["access_token"])
    assert new_refresh_token.token_family == old.token_family
    assert new_refresh_token.access_token_id == new_access_token.pk
    assert new_refresh_token.revoked is None
    assert new_access_token.source_refresh_token_id == old.pk
    assert new_access_token.id_token is not None
    assert (new_access_token.user, new_access_token.application) == (user, web_app)
    assert (new_refresh_token.user, new_refresh_token.application) == (user, web_app)
    assert new_access_token.scope == "openid profile"
    assert refresh_token_live(second["refresh_token"])
    assert access_token_works(client, second["access_token"])


def test_the_family_row_outlives_its_first_access_token(browser, client, web_app):
    first = tokens_for(browser, client, web_app)
    family = TokenFamily.objects.get(application=web_app)

    refresh(client, web_app, first["refresh_token"])

    # Only the id is kept (no SET NULL): the family still names the token it started with.
    assert TokenFamily.objects.get(pk=family.pk).first_access_token_id == family.first_access_token_id


def test_the_resources_of_the_old_refresh_token_carry_over(browser, client, web_app):
    first = tokens_for(browser, client, web_app, resource=API)

    second = refresh(client, web_app, first["refresh_token"]).json()

    assert stored_access_token(second["access_token"]).resource == [API]
    assert stored_refresh_token(second["refresh_token"]).resource == [API]


def test_a_resource_the_old_refresh_token_lacks_is_invalid_target_and_rotates_nothing(browser, client, web_app):
    first = tokens_for(browser, client, web_app, resource=API)

    data = {"grant_type": "refresh_token", "refresh_token": first["refresh_token"], "resource": OTHER_API}
    response = token_request(client, web_app, data)

    assert response.json()["error"] == "invalid_target"
    assert refresh_token_live(first["refresh_token"])
    assert access_token_stored(first["access_token"])


def test_the_old_access_token_is_refused_at_once_by_the_process_that_rotated_it(browser, web_app, settings):
    http = Client()
    first = tokens_for(browser, http, web_app)
    # Production's rhythm: the invalidation feed is not due again during the test, so only the
    # delete signal tokens.rotation sends can make this process forget the token it cached.
    set_idp(settings, TOKEN_CACHE_POLL_SECONDS=3600.0)
    assert access_token_works(http, first["access_token"])

    refresh(http, web_app, first["refresh_token"])

    assert not access_token_works(http, first["access_token"])


def test_with_rotation_off_dot_keeps_the_refresh_token_and_renews_its_access_token(browser, client, web_app, settings):
    settings.OAUTH2_PROVIDER = {**settings.OAUTH2_PROVIDER, "ROTATE_REFRESH_TOKEN": False}
    first = tokens_for(browser, client, web_app)

    response = refresh(client, web_app, first["refresh_token"])

    assert response.status_code == 200, response.content
    assert response.json()["refresh_token"] == first["refresh_token"]
    assert refresh_token_live(first["refresh_token"])
    assert access_token_works(client, response.json()["access_token"])
    assert not access_token_stored(first["access_token"])
