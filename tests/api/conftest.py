"""Fixtures for the resource-server tests: tokens for a user or a machine client, and note factories."""

from collections.abc import Callable

import pytest
from django.core.cache import cache

from tests.factories import AccessTokenFactory, NoteFactory


@pytest.fixture(autouse=True)
def _empty_throttle_counters():
    """Throttle counters live in the cache; each test starts with none so limits never leak between tests."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def make_token(user, web_app) -> Callable:
    """Build an access token for ``user`` (or another user) through ``web_app`` with the given scope."""

    def build(scope: str, *, for_user=None, application=None, **extra):
        return AccessTokenFactory(user=for_user or user, application=application or web_app, scope=scope, **extra)

    return build


@pytest.fixture
def machine_token(machine_app) -> Callable:
    """Build a client-credentials access token (no user) for ``machine_app`` with the given scope."""

    def build(scope: str = "users:read"):
        return AccessTokenFactory(user=None, application=machine_app, scope=scope)

    return build


@pytest.fixture
def bearer() -> Callable[[object], dict]:
    """Headers for the Django test client that send ``token`` as ``Authorization: Bearer``."""

    def headers(token) -> dict:
        return {"HTTP_AUTHORIZATION": f"Bearer {token.raw_token}"}

    return headers


@pytest.fixture
def note(user):
    """A note owned by ``user``."""
    return NoteFactory(owner=user, title="Shopping", body="eggs, flour")


@pytest.fixture
def other_note(other_user):
    """A note owned by ``other_user``: it must never be visible to ``user``."""
    return NoteFactory(owner=other_user, title="Bob's secret plan", body="only for bob")
