"""A watched row changed or deleted by the ORM, by a bulk query or by raw SQL gets a feed row, on both databases."""

from collections.abc import Callable

import pytest
from django.db import connection, models

from tests.factories import AccessTokenFactory, ApplicationFactory, UserFactory
from token_cache.models import InvalidationEvent

pytestmark = pytest.mark.django_db

Kind = InvalidationEvent.Kind

# Each watched model: a factory for a row nothing else refers to (so it can be deleted without cascades or
# dangling references), its kind in the feed, and a text field to change.
WATCHED = [
    pytest.param(AccessTokenFactory, Kind.TOKEN, "scope", id="access token"),
    pytest.param(UserFactory, Kind.USER, "first_name", id="user"),
    pytest.param(ApplicationFactory, Kind.APPLICATION, "name", id="client"),
]


def raw_sql(statement: str, row: models.Model, field: str, params: list) -> None:
    """Run ``statement`` on ``row``'s table, where the ORM (and its signals) cannot see it."""
    meta = row._meta
    sql = statement.format(table=meta.db_table, column=meta.get_field(field).column, pk=meta.pk.column)
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, row.pk])


def save_changed(row: models.Model, field: str) -> None:
    setattr(row, field, "changed")
    row.save()


def update_in_bulk(row: models.Model, field: str) -> None:
    type(row).objects.filter(pk=row.pk).update(**{field: "changed"})


def update_with_sql(row: models.Model, field: str) -> None:
    raw_sql('UPDATE "{table}" SET "{column}" = %s WHERE "{pk}" = %s', row, field, ["changed"])


def delete_in_bulk(row: models.Model, field: str) -> None:
    type(row).objects.filter(pk=row.pk).delete()


def delete_with_sql(row: models.Model, field: str) -> None:
    raw_sql('DELETE FROM "{table}" WHERE "{pk}" = %s', row, field, [])


CHANGES = [
    pytest.param(save_changed, id="save()"),
    pytest.param(update_in_bulk, id="QuerySet.update()"),
    pytest.param(update_with_sql, id="SQL UPDATE"),
    pytest.param(lambda row, field: row.delete(), id="delete()"),
    pytest.param(delete_in_bulk, id="QuerySet.delete()"),
    pytest.param(delete_with_sql, id="SQL DELETE"),
]


def feed_rows(kind: str, ref: int) -> int:
    return InvalidationEvent.objects.filter(kind=kind, ref=ref).count()


@pytest.mark.parametrize(("factory", "kind", "field"), WATCHED)
@pytest.mark.parametrize("change", CHANGES)
def test_a_change_to_a_watched_row_writes_one_feed_row_for_it(
    factory: Callable[[], models.Model], kind: str, field: str, change
):
    row = factory()
    pk, before = row.pk, feed_rows(kind, row.pk)  # the factory's own second save() may have written one

    change(row, field)

    assert feed_rows(kind, pk) == before + 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite's triggers have no whole-row comparison")
@pytest.mark.parametrize(("factory", "kind", "field"), WATCHED)
def test_on_postgresql_an_update_that_changes_nothing_writes_no_feed_row(
    factory: Callable[[], models.Model], kind: str, field: str
):
    row = factory()
    before = feed_rows(kind, row.pk)

    type(row).objects.filter(pk=row.pk).update(**{field: getattr(row, field)})

    assert feed_rows(kind, row.pk) == before
