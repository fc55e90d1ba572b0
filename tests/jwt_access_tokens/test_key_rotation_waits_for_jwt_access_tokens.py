"""Key rotation keeps a retired key published until the JWT access tokens it signed have expired."""

from datetime import timedelta

import pytest

from provider.key_rotation import CLOCK_SKEW, SigningKey, published_keys_check, rotation_steps
from tests.idp import set_idp
from tests.jwt_access_tokens.conftest import new_pem

pytestmark = pytest.mark.django_db


def test_the_sign_step_waits_for_the_longest_jwt_lifetime_when_it_outlasts_id_tokens(settings):
    settings.OAUTH2_PROVIDER = {**settings.OAUTH2_PROVIDER, "ID_TOKEN_EXPIRE_SECONDS": 600}
    set_idp(settings, JWT_ACCESS_TOKEN_MAX_SECONDS=1800)

    steps = rotation_steps(new=SigningKey.of(new_pem(), source="a file"))

    sign = next(step for step in steps if step.number == 2)
    assert sign.wait == timedelta(seconds=1800) + CLOCK_SKEW
    assert "JWT_ACCESS_TOKEN_MAX_SECONDS" in sign.wait_for


def test_the_sign_step_waits_for_id_tokens_when_they_live_longer(settings):
    settings.OAUTH2_PROVIDER = {**settings.OAUTH2_PROVIDER, "ID_TOKEN_EXPIRE_SECONDS": 7200}
    set_idp(settings, JWT_ACCESS_TOKEN_MAX_SECONDS=300)

    sign = next(step for step in rotation_steps(new=SigningKey.of(new_pem(), source="a file")) if step.number == 2)

    assert sign.wait == timedelta(seconds=7200) + CLOCK_SKEW


def test_the_check_counts_live_jwt_access_tokens_and_says_until_when(machine_jwt, machine_app, client):
    machine_jwt()
    machine_jwt()

    check = published_keys_check()

    assert check.live_jwt_access_tokens == 2
    assert check.last_jwt_access_token_expires is not None
