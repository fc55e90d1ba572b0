"""Audit events are append-only: in the ORM always, and in the database itself on PostgreSQL."""

import pytest
from django.db import connection, models, transaction
from django.db.utils import DatabaseError
from pgtrigger.core import INSTALLED

from audit.models import AppendOnlyError, AuditEvent
from audit.services import record_event
from tests.factories import ApplicationFactory, UserFactory

pytestmark = pytest.mark.django_db

postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="the triggers exist on PostgreSQL only")


@pytest.fixture
def event() -> AuditEvent:
    return record_event(event=AuditEvent.Event.LOGIN_FAILED, reason="bad password")


def test_an_event_cannot_be_saved_again(event):
    event.details = {"reason": "rewritten"}

    with pytest.raises(AppendOnlyError):
        event.save()


def test_an_event_cannot_be_deleted(event):
    with pytest.raises(AppendOnlyError):
        event.delete()


def test_events_cannot_be_updated_or_deleted_in_bulk(event):
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(details={})
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()


def test_deleting_the_user_or_client_keeps_the_event_and_its_client_id():
    user, app = UserFactory(username="leaver"), ApplicationFactory()
    kept = record_event(event=AuditEvent.Event.TOKEN_ISSUED, user=user, application=app)

    user.delete()
    app.delete()

    kept = AuditEvent.objects.get(pk=kept.pk)
    assert kept.user is None
    assert kept.application is None
    assert kept.client_id == app.client_id


@postgres_only
def test_the_database_refuses_an_sql_update_of_an_event(event):
    with pytest.raises(DatabaseError, match="Cannot update"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET details = '{}' WHERE id = %s", [event.pk])


@postgres_only
def test_the_database_refuses_an_sql_delete_of_an_event(event):
    with pytest.raises(DatabaseError, match="Cannot delete"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [event.pk])


@postgres_only
def test_the_database_refuses_pointing_an_event_at_another_user():
    original, other = UserFactory(username="first"), UserFactory(username="second")
    event = record_event(event=AuditEvent.Event.LOGOUT, user=original)

    with pytest.raises(DatabaseError, match="Cannot update"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET user_id = %s WHERE id = %s", [other.pk, event.pk])


@postgres_only
def test_the_database_refuses_a_bulk_update_that_gets_past_the_model_guard(event):
    # A plain QuerySet has none of AuditEventQuerySet's refusals: only the database stands in the way.
    unguarded = models.QuerySet(AuditEvent).filter(pk=event.pk)

    with pytest.raises(DatabaseError, match="Cannot update"), transaction.atomic():
        unguarded.update(details={})
    with pytest.raises(DatabaseError, match="Cannot delete"), transaction.atomic():
        unguarded.delete()


@postgres_only
def test_the_database_lets_sql_null_the_user_and_client_of_an_event():
    event = record_event(event=AuditEvent.Event.TOKEN_ISSUED, user=UserFactory(), application=ApplicationFactory())

    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET user_id = NULL, application_id = NULL WHERE id = %s", [event.pk])

    assert AuditEvent.objects.filter(pk=event.pk, user=None, application=None).exists()


@postgres_only
def test_the_table_has_exactly_the_declared_triggers_installed():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tgname FROM pg_trigger WHERE tgrelid = 'audit_auditevent'::regclass AND NOT tgisinternal"
        )
        installed = {name for (name,) in cursor.fetchall()}

    assert installed == {trigger.get_pgid(AuditEvent) for trigger in AuditEvent._meta.triggers}
    for trigger in AuditEvent._meta.triggers:
        assert trigger.get_installation_status(AuditEvent) == (INSTALLED, True)
