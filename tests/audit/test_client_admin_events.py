"""Clients created, changed and deleted in the admin are recorded with the admin who did it."""

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from clients.models import Application, GrantType

pytestmark = pytest.mark.django_db

Event = AuditEvent.Event


def admin_form(**overrides) -> dict:
    return {
        "name": "Audited client",
        "client_type": Application.CLIENT_CONFIDENTIAL,
        "grant_types": [GrantType.AUTHORIZATION_CODE],
        "allowed_scopes": ["openid"],
        "redirect_uris": "https://audited.example.test/callback",
        "post_logout_redirect_uris": "",
        "allowed_origins": "",
        "algorithm": Application.RS256_ALGORITHM,
        "user": "",
        **overrides,
    }


def test_creating_a_client_is_recorded_with_the_admin_and_address(admin_client, admin_user):
    response = admin_client.post(reverse("admin:clients_application_add"), admin_form())

    assert response.status_code == 200, response.content
    app = Application.objects.get(name="Audited client")
    event = AuditEvent.objects.get(event=Event.CLIENT_CREATED)
    assert (event.user, event.application, event.client_id, event.ip) == (
        admin_user,
        app,
        app.client_id,
        "127.0.0.1",
    )
    assert response.context["client_secret"] not in str(event.details)


def change_form_data(page, **changes) -> dict:
    """What the browser would POST back from an admin change page, with ``changes`` applied."""
    form = page.context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = changes.get(name, form.initial.get(name, field.initial))
        if value is True:
            data[name] = "on"
        elif value is not None and value is not False:  # not "not in (None, False)": 0 == False, and 0 is posted
            data[name] = value
    for inline in page.context["inline_admin_formsets"]:
        management = inline.formset.management_form
        data.update({management.add_prefix(name): value for name, value in management.initial.items()})
    return data


def test_changing_a_client_records_which_fields_changed(admin_client, web_app):
    url = reverse("admin:clients_application_change", args=[web_app.pk])

    response = admin_client.post(url, change_form_data(admin_client.get(url), name="Renamed"))

    assert response.status_code == 302, response.context["adminform"].form.errors
    event = AuditEvent.objects.get(event=Event.CLIENT_CHANGED)
    assert event.application == web_app
    assert event.details["changed_fields"] == ["Name"]


def test_switching_a_client_off_records_it_as_retired(admin_client, web_app):
    url = reverse("admin:clients_application_change", args=[web_app.pk])

    response = admin_client.post(url, change_form_data(admin_client.get(url), is_active=False))

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert AuditEvent.objects.get(event=Event.CLIENT_RETIRED).application == web_app


def test_rotating_a_client_secret_records_a_secret_reset_without_the_secret(admin_client, web_app):
    url = reverse("admin:clients_application_rotate_secret", args=[web_app.pk])

    response = admin_client.post(url, {"overlap_days": 1})

    assert response.status_code == 200
    event = AuditEvent.objects.get(event=Event.CLIENT_SECRET_RESET)
    assert event.application == web_app
    assert response.context["client_secret"] not in str(event.details)


def test_deleting_a_client_records_it_as_retired_by_client_id(admin_client, web_app):
    client_id = web_app.client_id

    response = admin_client.post(reverse("admin:clients_application_delete", args=[web_app.pk]), {"post": "yes"})

    assert response.status_code == 302
    event = AuditEvent.objects.get(event=Event.CLIENT_RETIRED)
    assert event.client_id == client_id
    assert event.application is None  # the row is gone; the event stays
