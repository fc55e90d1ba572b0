"""For a bearer-authenticated API request, ``request.auth`` is the token's record and ``request.user`` its user."""

import pytest
from django.contrib.auth.models import AnonymousUser
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from accounts.models import User
from api.authentication import BearerTokenAuthentication
from tests.idp import set_idp
from token_cache.records import BearerToken

pytestmark = pytest.mark.django_db


def authenticate(token) -> tuple:
    http = APIRequestFactory().get("/api/me/", HTTP_AUTHORIZATION=f"Bearer {token.raw_token}")
    return BearerTokenAuthentication().authenticate(Request(http))


@pytest.fixture(params=["cache", "no-cache"])
def cache_switch(request, settings) -> str:
    """Every way a token is checked: cached or not, and with the cache switched off (DOT's own path)."""
    set_idp(settings, TOKEN_CACHE_ENABLED=request.param == "cache")
    return request.param


@pytest.mark.parametrize("presentation", ["first", "repeated"])
def test_a_users_token_authenticates_as_its_record_and_its_user(make_token, user, cache_switch, presentation):
    token = make_token("openid profile email")
    if presentation == "repeated":
        authenticate(token)

    request_user, auth = authenticate(token)

    assert isinstance(auth, BearerToken)
    assert (auth.id, auth.user_id, auth.application_id) == (token.pk, user.pk, token.application_id)
    assert auth.scope == "openid profile email"
    assert auth.allow_scopes(["email"])
    assert isinstance(request_user, User)
    assert request_user.pk == user.pk


def test_each_request_gets_a_user_of_its_own(make_token):
    token = make_token("profile")
    authenticate(token)

    assert authenticate(token)[0] is not authenticate(token)[0]


def test_a_client_credentials_token_authenticates_as_its_record_and_no_user(machine_token, cache_switch):
    token = machine_token()
    authenticate(token)

    request_user, auth = authenticate(token)

    assert isinstance(auth, BearerToken)
    assert auth.user_id is None
    assert auth.application_id == token.application_id
    assert isinstance(request_user, AnonymousUser)
