"""A chain of refresh tokens ends a fixed time after its grant, however often it is rotated (ASVS 10.4.8)."""

from datetime import timedelta

import pytest
from django.utils import timezone
from oauth2_provider.models import get_refresh_token_model

from tests.flows import tokens_for
from tests.idp import set_idp
from tests.tokens.probes import refresh
from tokens.models import TokenFamily

pytestmark = pytest.mark.django_db

LIFETIME = 30 * 24 * 3600


@pytest.fixture(autouse=True)
def absolute_lifetime(settings) -> int:
    set_idp(settings, REFRESH_ABSOLUTE_SECONDS=LIFETIME)
    return LIFETIME


def age_chain(app, *, seconds: int) -> None:
    """Pretend the chain ``app`` holds was started ``seconds`` ago (its refreshes stay recent)."""
    TokenFamily.objects.filter(application=app).update(started_at=timezone.now() - timedelta(seconds=seconds))


def test_the_family_start_is_recorded_once_and_kept_across_rotation(browser, client, web_app):
    first = tokens_for(browser, client, web_app)
    started_at = TokenFamily.objects.get(application=web_app).started_at

    second = refresh(client, web_app, first["refresh_token"]).json()
    refresh(client, web_app, second["refresh_token"])

    family = TokenFamily.objects.get(application=web_app)
    assert family.started_at == started_at
    assert set(get_refresh_token_model().objects.values_list("token_family", flat=True)) == {family.pk}


def test_a_chain_younger_than_the_absolute_lifetime_refreshes(browser, client, web_app):
    tokens = tokens_for(browser, client, web_app)
    age_chain(web_app, seconds=LIFETIME - 60)

    response = refresh(client, web_app, tokens["refresh_token"])

    assert response.status_code == 200, response.content


def test_a_chain_past_the_absolute_lifetime_is_invalid_grant_even_if_refreshed_recently(browser, client, web_app):
    first = tokens_for(browser, client, web_app)
    second = refresh(client, web_app, first["refresh_token"]).json()
    age_chain(web_app, seconds=LIFETIME + 1)

    response = refresh(client, web_app, second["refresh_token"])

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"


def test_a_chain_issued_before_families_were_recorded_counts_from_its_oldest_refresh_token(browser, client, web_app):
    first = tokens_for(browser, client, web_app)
    second = refresh(client, web_app, first["refresh_token"]).json()
    TokenFamily.objects.all().delete()
    get_refresh_token_model().objects.filter(revoked__isnull=False).update(
        created=timezone.now() - timedelta(seconds=LIFETIME + 1)
    )

    response = refresh(client, web_app, second["refresh_token"])

    assert response.json()["error"] == "invalid_grant"


def test_zero_turns_the_absolute_lifetime_off(browser, client, web_app, settings):
    set_idp(settings, REFRESH_ABSOLUTE_SECONDS=0)
    tokens = tokens_for(browser, client, web_app)
    age_chain(web_app, seconds=10 * LIFETIME)

    assert refresh(client, web_app, tokens["refresh_token"]).status_code == 200
