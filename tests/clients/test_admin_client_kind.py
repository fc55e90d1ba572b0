"""The add-client form starts from a kind: a blank form is a web app signing ID tokens, and every kind's preset is
handed to the page's script; the kind is a starting point, never stored."""

import json

from django.contrib.admin.sites import site
from django.urls import reverse

from clients.admin import ApplicationAdminForm, kind_presets
from clients.kinds import CLIENT_KINDS
from clients.models import Application, GrantType
from tests.factories import MachineApplicationFactory

ADD_URL = reverse("admin:clients_application_add")


def test_a_blank_add_form_is_a_confidential_web_app_signing_id_tokens_with_rs256():
    form = ApplicationAdminForm()

    assert form["kind"].value() == "web"
    assert form["client_type"].value() == Application.CLIENT_CONFIDENTIAL
    assert form["grant_types"].value() == [GrantType.AUTHORIZATION_CODE, GrantType.REFRESH_TOKEN]
    assert form["allowed_scopes"].value() == ["openid", "profile", "email"]
    assert form["algorithm"].value() == Application.RS256_ALGORITHM


def test_only_openid_kinds_get_an_algorithm():
    presets = kind_presets()

    assert {name for name, preset in presets.items() if preset["algorithm"]} == {"web", "spa-native", "device"}
    assert set(presets) == set(CLIENT_KINDS)


def test_the_add_page_hands_every_kind_preset_to_its_script(admin_client):
    response = admin_client.get(ADD_URL)

    select = response.context["adminform"].form["kind"]
    assert json.loads(select.field.widget.attrs["data-kind-presets"]) == kind_presets()
    assert b"js/client_kind.js" in response.content


def test_the_change_page_names_the_kind_the_client_looks_like(admin_client, db):
    client = MachineApplicationFactory()

    response = admin_client.get(reverse("admin:clients_application_change", args=[client.pk]))

    assert response.context["adminform"].form["kind"].value() == "machine"


def test_the_kind_posted_does_not_override_the_fields_posted(admin_client, db):
    response = admin_client.post(
        ADD_URL,
        {
            "name": "Reports",
            "kind": "web",
            "client_type": Application.CLIENT_CONFIDENTIAL,
            "grant_types": [GrantType.CLIENT_CREDENTIALS],
            "allowed_scopes": ["users:read"],
            "algorithm": "",
            "is_active": "on",
        },
    )

    assert response.status_code == 200
    client = Application.objects.get(name="Reports")
    assert client.grant_types == [GrantType.CLIENT_CREDENTIALS]
    assert client.algorithm == ""


def test_every_field_of_the_form_is_in_one_of_the_admin_groups(rf):
    grouped = [
        field
        for _name, options in site.get_model_admin(Application).get_fieldsets(rf.get(ADD_URL), None)
        for field in options["fields"]
    ]

    assert sorted(grouped) == sorted(["kind", *ApplicationAdminForm.Meta.fields])
