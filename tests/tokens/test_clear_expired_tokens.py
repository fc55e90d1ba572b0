"""``manage.py clear_expired_tokens`` prunes expired rows in batches and never a live token."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from oauth2_provider.models import get_access_token_model, get_grant_model, get_refresh_token_model

from provider.models import PushedAuthorizationRequest
from tests.factories import AccessTokenFactory
from tests.flows import obtain_code, tokens_for
from tests.idp import set_idp
from tests.tokens.probes import access_token_works, refresh
from tokens.models import GrantAuthentication, TokenFamily

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_batches(settings) -> int:
    """Batches of 2 rows, so a handful of rows needs several rounds."""
    settings.OAUTH2_PROVIDER = {**settings.OAUTH2_PROVIDER, "CLEAR_EXPIRED_TOKENS_BATCH_SIZE": 2}
    return 2


def deletes_from(queries, table: str) -> int:
    """How many DELETE statements ``queries`` ran on ``table``."""
    return sum(
        1 for query in queries if query["sql"].split()[:3] == ["DELETE", "FROM", connection.ops.quote_name(table)]
    )


def test_expired_access_tokens_go_in_batches_and_live_ones_stay(client, web_app, user, small_batches):
    past = timezone.now() - timedelta(hours=1)
    AccessTokenFactory.create_batch(5, user=user, application=web_app, expires=past)
    live = AccessTokenFactory(user=user, application=web_app)

    with CaptureQueriesContext(connection) as queries:
        call_command("clear_expired_tokens", stdout=StringIO())

    assert list(get_access_token_model().objects.values_list("pk", flat=True)) == [live.pk]
    assert deletes_from(queries, get_access_token_model()._meta.db_table) == 3
    assert access_token_works(client, live.raw_token)


def test_expired_codes_are_deleted(browser, web_app, small_batches):
    obtain_code(browser, web_app)
    get_grant_model().objects.update(expires=timezone.now() - timedelta(seconds=1))

    call_command("clear_expired_tokens", stdout=StringIO())

    assert not get_grant_model().objects.exists()


def test_a_live_chain_and_its_family_survive(browser, client, web_app):
    tokens = tokens_for(browser, client, web_app)

    call_command("clear_expired_tokens", stdout=StringIO())

    assert TokenFamily.objects.filter(application=web_app).exists()
    assert refresh(client, web_app, tokens["refresh_token"]).status_code == 200


def test_refresh_tokens_past_the_absolute_lifetime_are_deleted(browser, client, web_app, settings, small_batches):
    set_idp(settings, REFRESH_ABSOLUTE_SECONDS=3600)
    first = tokens_for(browser, client, web_app)
    for _ in range(3):
        first = refresh(client, web_app, first["refresh_token"]).json()
    TokenFamily.objects.update(started_at=timezone.now() - timedelta(seconds=3601))

    call_command("clear_expired_tokens", stdout=StringIO())

    assert not get_refresh_token_model().objects.exists()


def test_a_family_with_no_token_left_is_deleted(browser, client, web_app):
    tokens_for(browser, client, web_app)
    get_refresh_token_model().objects.all().delete()
    get_access_token_model().objects.all().delete()

    call_command("clear_expired_tokens", stdout=StringIO())

    assert not TokenFamily.objects.exists()


def test_the_command_logs_what_it_deleted_and_prints_only_the_outcome(capsys, caplog):
    caplog.set_level("INFO", logger="tokens.cleanup")

    call_command("clear_expired_tokens")

    logged = [record.getMessage() for record in caplog.records if record.name == "tokens.cleanup"]
    assert logged == [
        "0 refresh tokens past the absolute lifetime deleted",
        "0 token families with no token left deleted",
        "0 sign-in records of codes that are gone deleted",
        "0 DPoP bindings of access tokens that are gone deleted",
        "0 pushed authorization requests used or expired deleted",
    ]
    assert capsys.readouterr().out == "Expired tokens cleared.\n"


def test_the_command_reports_each_count_once(manage_py):
    result = manage_py("clear_expired_tokens")

    assert result.returncode == 0, result.stderr
    output = result.stdout + result.stderr
    for what in (
        "Expired access tokens deleted",
        "Expired refresh tokens deleted",
        "refresh tokens past the absolute lifetime deleted",
        "token families with no token left deleted",
    ):
        assert output.count(what) == 1, output
    assert result.stdout.strip() == "Expired tokens cleared."


def test_the_sign_in_records_of_redeemed_and_expired_codes_go_and_live_ones_stay(browser, client, web_app):
    tokens_for(browser, client, web_app)  # a redeemed code
    obtain_code(browser, web_app)
    get_grant_model().objects.update(expires=timezone.now() - timedelta(seconds=1))  # an expired one
    live_code, _ = obtain_code(browser, web_app)
    assert GrantAuthentication.objects.count() == 3

    call_command("clear_expired_tokens", stdout=StringIO())

    assert list(GrantAuthentication.objects.values_list("grant__code", flat=True)) == [live_code]


def test_used_and_expired_pushed_authorization_requests_are_deleted_and_live_ones_kept(web_app):
    now = timezone.now()
    soon = now + timedelta(seconds=60)

    def pushed(**fields):
        return PushedAuthorizationRequest.objects.create(
            reference_checksum=f"{PushedAuthorizationRequest.objects.count():064}",
            application=web_app,
            parameters=[],
            **{"expires": soon, **fields},
        )

    waiting = pushed()
    in_progress = pushed(started=now - timedelta(minutes=5), expires=now - timedelta(minutes=4))
    pushed(used=now)
    pushed(expires=now - timedelta(seconds=1))
    pushed(started=now - timedelta(hours=2), expires=now - timedelta(hours=2))

    call_command("clear_expired_tokens")

    assert set(PushedAuthorizationRequest.objects.all()) == {waiting, in_progress}
