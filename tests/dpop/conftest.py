"""Fixtures for the DPoP tests: access tokens bound to a fresh key, made by the factories."""

from collections.abc import Callable

import pytest

from tests.dpop.proofs import new_key
from tests.factories import AccessTokenFactory, DPoPBindingFactory


@pytest.fixture
def bound_token(user, web_app) -> Callable:
    """Build ``(key, token)``: an access token of ``user`` through ``web_app`` bound to a new DPoP key."""

    def build(scope: str = "profile", **extra):
        key = new_key()
        token = AccessTokenFactory(user=user, application=web_app, scope=scope, **extra)
        DPoPBindingFactory(access_token=token, jkt=key.thumbprint())
        return key, token

    return build
