"""The cached bearer token is an immutable record of values that answers exactly as DOT's AccessToken does."""

import dataclasses
from datetime import timedelta

import pytest
from django.db import models
from django.utils import timezone
from oauth2_provider.models import get_access_token_model
from oauth2_provider.oauth2_validators import OAuth2Validator as DOTOAuth2Validator
from oauthlib.common import Request

from provider.validator import OAuth2Validator
from tests.factories import AccessTokenFactory, ApplicationFactory
from token_cache.records import BearerToken, bearer_token_refusal

AccessToken = get_access_token_model()
API = "https://api.example.com/foo"


def unsaved_token(*, scope="openid profile", expires_in: float | None = 3600, resource=()) -> AccessToken:
    """An unsaved AccessToken: DOT's methods read only its fields."""
    expires = timezone.now() + timedelta(seconds=expires_in) if expires_in is not None else None
    return AccessToken(token_checksum="0" * 64, scope=scope, expires=expires, resource=list(resource))


def test_a_record_cannot_be_changed():
    record = BearerToken.of(unsaved_token())

    with pytest.raises(dataclasses.FrozenInstanceError):
        record.scope = "openid profile users:read"
    # Slotted: there is no instance dictionary, so not even object.__setattr__ can add an attribute.
    assert not hasattr(record, "__dict__")
    with pytest.raises(AttributeError):
        object.__setattr__(record, "extra", "anything")


@pytest.mark.django_db
def test_a_record_holds_values_and_never_a_model_instance(access_token):
    record = BearerToken.of(AccessToken.objects.select_related("user", "application").get(pk=access_token.pk))

    for field in dataclasses.fields(record):
        assert not isinstance(getattr(record, field.name), models.Model), field.name
    assert record.user_active is True
    assert record.client_usable is True
    assert record.client_id == access_token.application.client_id


@pytest.mark.parametrize(
    ("scope", "asked"),
    [
        ("openid profile", None),
        ("openid profile", []),
        ("openid profile", ["profile"]),
        ("openid profile", ["openid", "profile"]),
        ("openid profile", ("profile", "email")),
        ("openid profile", {"email"}),
        ("", None),
        ("", ["profile"]),
        ("  profile   notes:read ", ["notes:read"]),
    ],
)
@pytest.mark.parametrize("expires_in", [3600, -1, None], ids=["live", "expired", "no-expiry"])
def test_scopes_and_expiry_are_judged_as_dot_judges_them(scope, asked, expires_in):
    token = unsaved_token(scope=scope, expires_in=expires_in)
    record = BearerToken.of(token)

    assert record.is_expired() == token.is_expired()
    assert record.allow_scopes(asked) == token.allow_scopes(asked)
    assert record.is_valid(asked) == token.is_valid(asked)
    assert record.is_valid() == token.is_valid()


@pytest.mark.parametrize("resource", [(), (API,), ("https://other.example.com/", API)])
@pytest.mark.parametrize(
    "uri",
    [
        "https://api.example.com/foo",
        "https://api.example.com/foo/bar",
        "https://api.example.com/food-blog",
        "https://api.example.com@evil.com/foo",
        "https://other.example.com/x",
        "",
    ],
)
def test_the_audience_is_judged_as_dot_judges_it(resource, uri):
    token = unsaved_token(resource=resource)

    assert BearerToken.of(token).allows_audience(uri) == token.allows_audience(uri)


def dot_refusal(raw_token: str, scopes: list[str], uri: str) -> dict | None:
    """What DOT's own validate_bearer_token, loading the token from the database, says of ``raw_token``."""
    request = Request(uri)
    valid = DOTOAuth2Validator.validate_bearer_token(OAuth2Validator(), raw_token, scopes, request)
    return None if valid else dict(request.oauth2_error)


def refusal(raw_token: str, scopes: list[str], uri: str) -> dict | None:
    request = Request(uri)
    valid = OAuth2Validator().validate_bearer_token(raw_token, scopes, request)
    return None if valid else request.oauth2_error


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "scopes", "uri"),
    [
        pytest.param({}, ["profile"], API, id="valid"),
        pytest.param({"expires": timezone.now() - timedelta(seconds=1)}, [], API, id="expired"),
        pytest.param({}, ["profile", "email"], API, id="insufficient-scope"),
        pytest.param({"resource": [API]}, [], "https://api.example.com/foo/notes?x=1", id="its-resource"),
        pytest.param({"resource": [API]}, [], "https://api.example.com/bar", id="another-resource"),
        pytest.param({"resource": [API]}, [], "", id="resource-without-uri"),
        pytest.param({"application": "disabled"}, [], API, id="disabled-client"),
    ],
)
def test_the_validator_refuses_what_dot_refuses_with_the_same_words(user, change, scopes, uri):
    if change.get("application") == "disabled":
        change = {"application": ApplicationFactory(is_active=False)}
    token = AccessTokenFactory(user=user, scope="openid profile", **change)

    # DOT's first: ours caches the token, and must answer the same from the cache as from the database.
    expected = dot_refusal(token.raw_token, scopes, uri)

    assert refusal(token.raw_token, scopes, uri) == expected
    assert refusal(token.raw_token, scopes, uri) == expected


@pytest.mark.django_db
def test_an_unknown_token_is_refused_with_dots_words():
    assert refusal("never-issued", [], API) == dot_refusal("never-issued", [], API)


def test_a_token_of_a_deactivated_user_is_refused_though_dot_would_accept_it():
    record = dataclasses.replace(BearerToken.of(unsaved_token()), user_id=1, user_active=False)

    assert bearer_token_refusal(token=record, scopes=[], uri=API) == {
        "error": "invalid_token",
        "error_description": "The access token is invalid.",
    }
