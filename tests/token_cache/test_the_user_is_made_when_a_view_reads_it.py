"""On a cached token, the API's request.user is made the first time something reads it, as Django makes its own.

Scope checks, throttles and many views read only the token's record (request.auth); they build no user.
"""

import pytest
from django.db.models.signals import pre_init
from django.test import RequestFactory
from rest_framework.request import Request

from accounts.models import User
from api.authentication import BearerTokenAuthentication

pytestmark = pytest.mark.django_db


@pytest.fixture
def users_made():
    made = []

    def count(sender, **kwargs):
        made.append(sender)

    pre_init.connect(count, sender=User)
    yield made
    pre_init.disconnect(count, sender=User)


def authenticated(access_token):
    http_request = RequestFactory().get("/api/me/", HTTP_AUTHORIZATION=f"Bearer {access_token.raw_token}")
    return BearerTokenAuthentication().authenticate(Request(http_request))


def test_a_warm_token_authenticates_without_making_its_user(rare_feed_reads, access_token, users_made):
    authenticated(access_token)  # the first presentation reads the token and its user, and keeps them
    users_made.clear()

    _user, record = authenticated(access_token)

    assert record.user_id == access_token.user_id
    assert users_made == []


def test_the_user_is_made_once_when_read_with_the_values_of_its_row(rare_feed_reads, access_token, users_made):
    authenticated(access_token)
    users_made.clear()
    user, _record = authenticated(access_token)

    assert user.pk == access_token.user_id
    assert user.username == access_token.user.username
    assert isinstance(user, User)
    assert user.is_authenticated
    assert users_made == [User]
