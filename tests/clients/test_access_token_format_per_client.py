"""An admin chooses per client between opaque access tokens (the default) and short-lived JWTs (RFC 9068)."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from clients.models import AccessTokenFormat, Application
from tests.clients.test_admin_application_form import ADD_URL, admin_form, field_errors
from tests.factories import ApplicationFactory
from tests.idp import set_idp

pytestmark = pytest.mark.django_db


def test_a_new_client_issues_opaque_tokens_unless_told_otherwise(admin_client):
    admin_client.post(ADD_URL, admin_form(name="Plain"))

    client = Application.objects.get(name="Plain")
    assert client.access_token_format == AccessTokenFormat.OPAQUE
    assert not client.issues_jwt_access_tokens


def test_an_admin_switches_a_client_to_jwt_with_its_lifetime(admin_client):
    admin_client.post(ADD_URL, admin_form(name="Signed", access_token_format="jwt", jwt_access_token_lifetime="120"))

    client = Application.objects.get(name="Signed")
    assert client.issues_jwt_access_tokens
    assert client.jwt_access_token_lifetime == 120


@pytest.mark.parametrize("lifetime", ["0", "3601"])
def test_a_lifetime_outside_the_allowed_range_is_a_field_error(admin_client, lifetime):
    response = admin_client.post(ADD_URL, admin_form(access_token_format="jwt", jwt_access_token_lifetime=lifetime))

    assert field_errors(response, "jwt_access_token_lifetime")
    assert not Application.objects.exists()


def test_the_longest_lifetime_is_a_setting(admin_client, settings):
    set_idp(settings, JWT_ACCESS_TOKEN_MAX_SECONDS=600)

    response = admin_client.post(ADD_URL, admin_form(access_token_format="jwt", jwt_access_token_lifetime="900"))

    assert "Choose between 1 and 600 seconds." in field_errors(response, "jwt_access_token_lifetime")


def test_an_unknown_format_is_a_field_error(admin_client):
    response = admin_client.post(ADD_URL, admin_form(access_token_format="paseto"))

    assert field_errors(response, "access_token_format")


def test_an_edit_that_does_not_send_the_format_keeps_it(admin_client):
    client = ApplicationFactory(access_token_format=AccessTokenFormat.JWT, jwt_access_token_lifetime=90)
    form = admin_form(name=client.name, redirect_uris=client.redirect_uris)

    response = admin_client.post(reverse("admin:clients_application_change", args=[client.pk]), form)

    assert response.status_code == 302
    client.refresh_from_db()
    assert client.access_token_format == AccessTokenFormat.JWT
    assert client.jwt_access_token_lifetime == 90


def test_the_client_command_creates_a_jwt_machine_client():
    out = StringIO()
    call_command(
        "client",
        "create",
        "Reports",
        "--kind=machine",
        "--scope=users:read",
        "--access-token-format=jwt",
        "--jwt-lifetime=60",
        "--json",
        stdout=out,
    )

    created = json.loads(out.getvalue())
    assert created["access_token_format"] == "jwt"
    assert Application.objects.get(client_id=created["client_id"]).jwt_access_token_lifetime == 60
