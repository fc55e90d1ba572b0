"""Bulk updates and deletes send no model signal; the database triggers still put them in the feed."""

import pytest
from django.urls import reverse

from accounts.models import User
from tests.idp import set_idp
from tests.token_cache.changes import BULK_CHANGES
from token_cache.models import InvalidationEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def bearer(client, rare_feed_reads, access_token) -> dict:
    """Headers presenting ``access_token``, which this process has validated (and cached) once."""
    headers = {"HTTP_AUTHORIZATION": f"Bearer {access_token.raw_token}"}
    assert client.get(reverse("api:me"), **headers).status_code == 200
    return headers


@pytest.mark.parametrize("change", BULK_CHANGES)
def test_a_bulk_change_is_refused_from_the_next_feed_read_on(client, settings, access_token, bearer, change):
    change(access_token)
    set_idp(settings, TOKEN_CACHE_POLL_SECONDS=0.0)  # the interval has passed

    response = client.get(reverse("api:me"), **bearer)

    assert response.status_code == 401
    assert response.json()["error"] == "invalid_token"


def test_a_bulk_change_is_announced_by_a_feed_row_in_the_same_transaction(access_token):
    User.objects.filter(pk=access_token.user_id).update(first_name="Changed")

    assert InvalidationEvent.objects.filter(kind=InvalidationEvent.Kind.USER, ref=access_token.user_id).exists()
