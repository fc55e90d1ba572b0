"""A token the validator accepted is accepted again without it, until it expires or something it depends on changes."""

import time
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import AccessTokenFactory
from token_cache.cache import access_tokens

pytestmark = pytest.mark.django_db


def get_me(client, token):
    return client.get(reverse("api:me"), HTTP_AUTHORIZATION=f"Bearer {token.raw_token}")


def entry(token):
    return access_tokens._entries[token.token_checksum]


def test_an_accepted_token_is_remembered_as_validated(client, rare_feed_reads, access_token):
    assert get_me(client, access_token).status_code == 200

    assert entry(access_token).validated


def test_a_remembered_token_is_refused_once_it_has_expired(client, rare_feed_reads, access_token):
    get_me(client, access_token)
    # Expiry is the clock's business, not a row change: nothing in the feed announces it. Moving the
    # cached expiry back (the row's value, and the timestamp every hit checks) is the clock moving on.
    past = timezone.now() - timedelta(seconds=1)
    entry(access_token).token["expires"] = past
    entry(access_token).expires_at = past.timestamp()

    response = get_me(client, access_token)

    assert response.status_code == 401
    assert response.json()["error"] == "invalid_token"


def test_a_remembered_token_is_refused_once_its_real_expiry_passes(client, rare_feed_reads, user, web_app):
    token = AccessTokenFactory(user=user, application=web_app, scope="openid profile")
    token.expires = timezone.now() + timedelta(seconds=1)
    token.save()
    assert get_me(client, token).status_code == 200
    assert entry(token).validated

    time.sleep(1.1)

    assert get_me(client, token).status_code == 401


def test_a_token_bound_to_resources_is_validated_afresh_every_time(client, rare_feed_reads, user, web_app):
    # Its audience check depends on the request URI (RFC 8707), so no answer carries over to another request.
    token = AccessTokenFactory(user=user, application=web_app, resource=["http://testserver/api/"])

    get_me(client, token)

    assert not entry(token).validated


def test_a_refused_token_is_not_remembered(client, rare_feed_reads, user, web_app):
    token = AccessTokenFactory(user=user, application=web_app, scope="openid profile")
    token.user.is_active = False
    token.user.save()

    assert get_me(client, token).status_code == 401
    assert token.token_checksum not in access_tokens._entries or not entry(token).validated
