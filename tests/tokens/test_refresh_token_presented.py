"""tokens.selectors.refresh_token_presented: a token and its family's columns in one query, as the ORM reads them."""

from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from oauth2_provider.models import get_refresh_token_model

from tests.flows import tokens_for
from tokens.checksums import sha256_hex
from tokens.models import TokenFamily
from tokens.selectors import refresh_token_presented

pytestmark = pytest.mark.django_db

# Stated here rather than imported from tokens.selectors, so a wrong mapping there fails these tests.
FAMILY_COLUMNS = {
    "family_started_at": "started_at",
    "family_auth_time": "auth_time",
    "family_amr": "amr",
    "family_sid": "sid",
    "family_scope": "scope",
    "family_dpop_jkt": "dpop_jkt",
}


def test_the_family_columns_come_with_the_token_converted_as_the_orm_converts_them(browser, client, web_app):
    raw = tokens_for(browser, client, web_app)["refresh_token"]
    family = TokenFamily.objects.get(application=web_app)
    TokenFamily.objects.filter(pk=family.pk).update(
        started_at=timezone.now() - timedelta(days=3, microseconds=17),
        auth_time=timezone.now() - timedelta(days=3, seconds=5),
        amr=["pwd", "otp"],
        sid="session-sid",
        dpop_jkt="thumbprint",
    )
    family.refresh_from_db()

    with CaptureQueriesContext(connection) as queries:
        presented = refresh_token_presented(raw_token=raw, lock=False)

    assert len(queries) == 1
    for annotation, column in FAMILY_COLUMNS.items():
        assert getattr(presented, annotation) == getattr(family, column), annotation
    assert presented.family_started_at.tzinfo is not None
    assert presented.family_amr == ["pwd", "otp"]
    assert presented.user == family.user
    assert presented.access_token.token_checksum


def test_a_refresh_token_without_a_family_reads_none_for_every_family_column(browser, client, web_app):
    raw = tokens_for(browser, client, web_app)["refresh_token"]
    get_refresh_token_model().objects.filter(token_checksum=sha256_hex(raw)).update(token_family=None)

    presented = refresh_token_presented(raw_token=raw, lock=False)

    assert presented is not None
    assert {annotation: getattr(presented, annotation) for annotation in FAMILY_COLUMNS} == dict.fromkeys(
        FAMILY_COLUMNS
    )


def test_another_familys_columns_are_never_read_for_a_token(browser, client, web_app):
    first = tokens_for(browser, client, web_app)["refresh_token"]
    second = tokens_for(browser, client, web_app)["refresh_token"]
    first_family = get_refresh_token_model().objects.get(token_checksum=sha256_hex(first)).token_family
    TokenFamily.objects.filter(pk=first_family).update(sid="first-session")
    TokenFamily.objects.exclude(pk=first_family).update(sid="second-session")

    assert refresh_token_presented(raw_token=first, lock=False).family_sid == "first-session"
    assert refresh_token_presented(raw_token=second, lock=False).family_sid == "second-session"


def test_with_lock_the_token_is_read_inside_the_callers_transaction(browser, client, web_app):
    raw = tokens_for(browser, client, web_app)["refresh_token"]

    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        presented = refresh_token_presented(raw_token=raw, lock=True)

    assert presented.token_checksum == sha256_hex(raw)
    locking = "FOR UPDATE" in queries[-1]["sql"]
    assert locking == connection.features.has_select_for_update


def test_an_unknown_token_reads_nothing(db):
    assert refresh_token_presented(raw_token="not-a-refresh-token", lock=False) is None
