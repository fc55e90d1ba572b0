"""DOT's refresh-token checks, re-stated around one locked read (provider.validator), refuse what DOT refuses."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from oauth2_provider.models import get_access_token_model, get_refresh_token_model
from oauthlib.common import Request

from audit.models import AuditEvent
from provider.state import request_state
from provider.validator import OAuth2Validator
from tests.flows import tokens_for
from tests.tokens.probes import access_token_works, refresh, refresh_token_live
from tokens.checksums import sha256_hex

pytestmark = pytest.mark.django_db

GRACE_SECONDS = 60


@pytest.fixture
def grace_period(settings) -> int:
    settings.OAUTH2_PROVIDER = {**settings.OAUTH2_PROVIDER, "REFRESH_TOKEN_GRACE_PERIOD_SECONDS": GRACE_SECONDS}
    return GRACE_SECONDS


def stored_refresh_token(raw: str):
    return get_refresh_token_model().objects.get(token_checksum=sha256_hex(raw))


def test_a_refresh_token_idle_past_its_limit_is_invalid_grant(browser, client, web_app, settings):
    tokens = tokens_for(browser, client, web_app)
    idle = settings.OAUTH2_PROVIDER["REFRESH_TOKEN_EXPIRE_SECONDS"]
    stored = stored_refresh_token(tokens["refresh_token"])
    # DOT's idle limit counts from the expiry of the token's access token.
    get_access_token_model().objects.filter(pk=stored.access_token_id).update(
        expires=timezone.now() - timedelta(seconds=idle + 1)
    )

    assert refresh(client, web_app, tokens["refresh_token"]).json()["error"] == "invalid_grant"


def test_a_refresh_token_whose_access_token_was_deleted_out_of_band_is_invalid_grant(browser, client, web_app):
    tokens = tokens_for(browser, client, web_app)
    get_access_token_model().objects.all().delete()

    assert refresh(client, web_app, tokens["refresh_token"]).json()["error"] == "invalid_grant"


def test_within_the_grace_period_a_just_rotated_token_is_refused_without_revoking_the_family(
    browser, client, web_app, grace_period
):
    first = tokens_for(browser, client, web_app)
    second = refresh(client, web_app, first["refresh_token"]).json()

    retry = refresh(client, web_app, first["refresh_token"])

    # DOT would answer with the pair already issued; stored hashed, it cannot be sent again.
    assert retry.json()["error"] == "invalid_grant"
    assert refresh_token_live(second["refresh_token"])
    assert access_token_works(client, second["access_token"])


def test_past_the_grace_period_a_rotated_token_revokes_the_family(browser, client, web_app, grace_period):
    first = tokens_for(browser, client, web_app)
    second = refresh(client, web_app, first["refresh_token"]).json()
    get_refresh_token_model().objects.filter(token_checksum=sha256_hex(first["refresh_token"])).update(
        revoked=timezone.now() - timedelta(seconds=grace_period + 1)
    )

    assert refresh(client, web_app, first["refresh_token"]).json()["error"] == "invalid_grant"

    assert not refresh_token_live(second["refresh_token"])
    assert not access_token_works(client, second["access_token"])


def test_within_the_grace_period_a_token_two_rotations_old_revokes_the_family(browser, client, web_app, grace_period):
    first = tokens_for(browser, client, web_app)
    second = refresh(client, web_app, first["refresh_token"]).json()
    third = refresh(client, web_app, second["refresh_token"]).json()

    # Its successor's access token is gone with the second rotation: this is reuse, not a retry.
    assert refresh(client, web_app, first["refresh_token"]).json()["error"] == "invalid_grant"

    assert not refresh_token_live(third["refresh_token"])
    assert not access_token_works(client, third["access_token"])


def test_a_revoked_token_that_was_never_rotated_gets_no_grace(browser, client, web_app, grace_period):
    tokens = tokens_for(browser, client, web_app)
    stored_refresh_token(tokens["refresh_token"]).revoke()  # as the admin or DOT's revoke would

    assert refresh(client, web_app, tokens["refresh_token"]).json()["error"] == "invalid_grant"
    # Refused as reuse by validation (which records it), not left to the save's lost-race refusal.
    assert AuditEvent.objects.filter(event=AuditEvent.Event.REFRESH_REUSE_DETECTED).exists()


def test_the_refresh_token_is_read_once_and_its_client_and_family_are_not_loaded(browser, client, web_app):
    tokens = tokens_for(browser, client, web_app)

    with CaptureQueriesContext(connection) as captured:
        assert refresh(client, web_app, tokens["refresh_token"]).status_code == 200

    sql = [query["sql"] for query in captured.captured_queries]
    # The token cache's feed read (due on every request under the test settings) is not ours.
    selects = [s for s in sql if s.startswith("SELECT") and "token_cache_invalidationevent" not in s]
    assert len(selects) == 1
    assert 'FROM "oauth2_provider_refreshtoken"' in selects[0]


def test_inside_a_transaction_validation_keeps_the_row_it_locked_for_the_save(browser, client, web_app, user):
    tokens = tokens_for(browser, client, web_app)
    request = Request("https://testserver/o/token/")

    assert OAuth2Validator().validate_refresh_token(tokens["refresh_token"], web_app, request)

    assert request_state(request).locked_refresh_token is request.refresh_token_instance
    assert request.refresh_token == tokens["refresh_token"]
    assert request.user == user


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_validation_locks_nothing_and_the_save_locks_instead(browser, client, web_app):
    tokens = tokens_for(browser, client, web_app)
    validator = OAuth2Validator()
    request = Request("https://testserver/o/token/")
    request.grant_type = "refresh_token"
    request.client = web_app
    request.scopes = ["openid", "profile"]

    assert validator.validate_refresh_token(tokens["refresh_token"], web_app, request)
    assert request_state(request).locked_refresh_token is None
    new = {"access_token": "new-access", "refresh_token": "new-refresh", "scope": "openid profile", "expires_in": 60}
    validator.save_bearer_token(new, request)

    old = stored_refresh_token(tokens["refresh_token"])
    assert old.revoked is not None
    assert stored_refresh_token("new-refresh").token_family == old.token_family
    assert not get_access_token_model().objects.filter(token_checksum=sha256_hex(tokens["access_token"])).exists()
