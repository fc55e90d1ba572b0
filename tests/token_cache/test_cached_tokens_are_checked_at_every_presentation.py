"""A cached token is kept as its record, and every presentation checks it again: expiry, audience, user, client."""

import time
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from tests.factories import AccessTokenFactory
from tests.idp import set_idp
from token_cache.cache import access_tokens
from token_cache.records import BearerToken

pytestmark = pytest.mark.django_db


def get_me(client, token):
    return client.get(reverse("api:me"), HTTP_AUTHORIZATION=f"Bearer {token.raw_token}")


def test_an_accepted_token_is_kept_as_its_record(client, rare_feed_reads, access_token):
    assert get_me(client, access_token).status_code == 200

    record = access_tokens.token(access_token.token_checksum)

    assert isinstance(record, BearerToken)
    assert (record.id, record.user_id, record.application_id) == (
        access_token.pk,
        access_token.user_id,
        access_token.application_id,
    )


def test_a_cached_token_is_refused_once_its_real_expiry_passes(client, rare_feed_reads, user, web_app):
    # Expiry is the clock's business, not a row change: nothing in the feed announces it.
    token = AccessTokenFactory(user=user, application=web_app, scope="openid profile")
    token.expires = timezone.now() + timedelta(seconds=1)
    token.save()
    assert get_me(client, token).status_code == 200
    assert token.token_checksum in access_tokens.tokens

    time.sleep(1.1)
    response = get_me(client, token)

    assert response.status_code == 401
    assert response.json() == {"error": "invalid_token", "error_description": "The access token has expired."}


@pytest.mark.parametrize(
    ("resource", "status"),
    [
        pytest.param("http://testserver/api/", 200, id="its-own-resource"),
        pytest.param("http://testserver/api/notes/", 401, id="another-resource"),
    ],
)
def test_a_cached_token_bound_to_resources_is_checked_against_each_request_uri(
    client, rare_feed_reads, user, web_app, django_assert_num_queries, resource, status
):
    # RFC 8707: the answer depends on the request URI, so it is decided again for every request.
    token = AccessTokenFactory(user=user, application=web_app, resource=[resource])
    get_me(client, token)

    with django_assert_num_queries(0):
        response = get_me(client, token)

    assert response.status_code == status
    if status == 401:
        assert response.json()["error_description"] == "The access token is not valid for this resource."


def test_a_cached_token_of_a_deactivated_user_is_refused_every_time_without_a_query(
    client, settings, rare_feed_reads, access_token, django_assert_num_queries
):
    # Deactivation deletes the user's tokens; a token that outlives it (a bulk update, which sends no
    # signal) is still refused, from its record, once the feed has named the user.
    User.objects.filter(pk=access_token.user_id).update(is_active=False)
    set_idp(settings, TOKEN_CACHE_POLL_SECONDS=0.0)
    access_tokens.sync()
    set_idp(settings, TOKEN_CACHE_POLL_SECONDS=3600.0)
    assert get_me(client, access_token).status_code == 401
    assert access_tokens.token(access_token.token_checksum).user_active is False

    with django_assert_num_queries(0):
        response = get_me(client, access_token)

    assert response.status_code == 401
    assert response.json() == {"error": "invalid_token", "error_description": "The access token is invalid."}
