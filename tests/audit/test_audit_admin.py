"""The audit trail in the admin: listed, filtered and searched, never added, changed or deleted."""

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from audit.services import record_event

pytestmark = pytest.mark.django_db


@pytest.fixture
def events(user, web_app) -> list[AuditEvent]:
    return [
        record_event(event=AuditEvent.Event.LOGIN_SUCCEEDED, user=user),
        record_event(event=AuditEvent.Event.TOKEN_ISSUED, user=user, application=web_app, grant_type="x"),
        record_event(event=AuditEvent.Event.CLIENT_AUTH_FAILED, client_id="someone-else"),
    ]


def changelist(admin_client, **params):
    return admin_client.get(reverse("admin:audit_auditevent_changelist"), params)


def test_the_changelist_filters_by_event_type(admin_client, events):
    response = changelist(admin_client, event=AuditEvent.Event.TOKEN_ISSUED)

    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [events[1]]


def test_the_changelist_filters_by_client_and_user(admin_client, events, user, web_app):
    assert list(changelist(admin_client, application__id__exact=web_app.pk).context["cl"].result_list) == [events[1]]
    assert set(changelist(admin_client, user__id__exact=user.pk).context["cl"].result_list) == set(events[:2])


def test_the_changelist_filters_by_date(admin_client, events):
    response = changelist(admin_client, created__gte="2000-01-01 00:00+00:00", created__lt="2000-01-02 00:00+00:00")

    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == []


@pytest.mark.parametrize(("query", "expected"), [("alice", 2), ("someone-else", 1), ("127.0.0.1", 0)])
def test_the_changelist_searches_username_client_id_and_ip(admin_client, events, query, expected):
    response = changelist(admin_client, q=query)

    assert response.status_code == 200
    assert len(response.context["cl"].result_list) == expected


def test_an_event_page_is_read_only(admin_client, events):
    url = reverse("admin:audit_auditevent_change", args=[events[0].pk])

    page = admin_client.get(url)
    posted = admin_client.post(url, {"event": AuditEvent.Event.LOGOUT})

    assert page.status_code == 200
    assert b'type="submit"' not in page.content.split(b'id="content-main"')[1]
    assert posted.status_code == 403
    assert AuditEvent.objects.get(pk=events[0].pk).event == AuditEvent.Event.LOGIN_SUCCEEDED


def test_nobody_can_add_or_delete_events_in_the_admin(admin_client, events):
    assert admin_client.get(reverse("admin:audit_auditevent_add")).status_code == 403
    assert admin_client.post(reverse("admin:audit_auditevent_delete", args=[events[0].pk])).status_code == 403
    bulk = admin_client.post(
        reverse("admin:audit_auditevent_changelist"),
        {"action": "delete_selected", "_selected_action": [e.pk for e in events], "post": "yes"},
    )
    assert bulk.status_code in {200, 302}
    assert AuditEvent.objects.filter(pk__in=[e.pk for e in events]).count() == 3
