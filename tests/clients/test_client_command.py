"""``manage.py client create|list|disable|rotate-secret``: what the admin does, from a shell, with the same rules."""

import json
import logging
import re
from io import StringIO

import pytest
from django.contrib.auth.hashers import check_password
from django.core.management import CommandError, call_command

from audit.models import AuditEvent
from clients.models import Application, GrantType
from clients.secret_rotation import previous_secret_matches
from tests.factories import CLIENT_SECRET, PublicApplicationFactory
from tests.flows import token_request, tokens_for
from tests.tokens.probes import access_token_works, refresh_token_live

pytestmark = pytest.mark.django_db


def client_command(*args: str) -> str:
    out = StringIO()
    call_command("client", *args, stdout=out)
    return out.getvalue()


def client_json(*args: str):
    return json.loads(client_command(*args, "--json"))


@pytest.mark.parametrize(
    ("kind", "extra", "client_type", "grant_types", "scopes", "algorithm"),
    [
        (
            "web",
            ["--redirect-uri", "https://shop.example.test/callback"],
            "confidential",
            [GrantType.AUTHORIZATION_CODE, GrantType.REFRESH_TOKEN],
            ["openid", "profile", "email"],
            "RS256",
        ),
        (
            "spa-native",
            ["--redirect-uri", "http://127.0.0.1:8765/callback"],
            "public",
            [GrantType.AUTHORIZATION_CODE, GrantType.REFRESH_TOKEN],
            ["openid", "profile", "email"],
            "RS256",
        ),
        ("machine", ["--scope", "users:read"], "confidential", [GrantType.CLIENT_CREDENTIALS], ["users:read"], ""),
        ("device", [], "public", [GrantType.DEVICE_CODE, GrantType.REFRESH_TOKEN], ["openid", "profile"], "RS256"),
        ("resource-server", [], "confidential", [GrantType.CLIENT_CREDENTIALS], ["introspection"], ""),
    ],
)
def test_each_kind_gets_its_client_type_grants_scopes_and_algorithm(
    kind, extra, client_type, grant_types, scopes, algorithm
):
    created = client_json("create", f"A {kind}", "--kind", kind, *extra)

    application = Application.objects.get(client_id=created["client_id"])
    assert (application.client_type, application.grant_types) == (client_type, grant_types)
    assert (application.allowed_scopes, application.algorithm) == (scopes, algorithm)
    assert application.is_active
    assert not application.skip_authorization
    assert created["kind"] == kind
    assert (created["client_secret"] is None) == (client_type == "public")


def test_the_printed_secret_is_the_working_one_and_only_its_hash_is_stored(client, caplog):
    caplog.set_level(logging.DEBUG)

    output = client_command("create", "Billing", "--kind", "machine", "--scope", "users:read")

    secret = output.split("client_secret")[1].split()[0]
    application = Application.objects.get(name="Billing")
    assert output.count(secret) == 1
    assert application.client_secret != secret
    assert check_password(secret, application.client_secret)
    assert secret not in caplog.text
    response = token_request(client, application, {"grant_type": "client_credentials"}, secret=secret)
    assert response.status_code == 200, response.content
    assert response.json()["scope"] == "users:read"


def test_creation_is_audited_without_a_request_and_without_the_secret():
    created = client_json("create", "Billing", "--kind", "machine", "--scope", "users:read")

    event = AuditEvent.objects.get(event=AuditEvent.Event.CLIENT_CREATED)
    assert event.client_id == created["client_id"]
    assert (event.user, event.ip, event.user_agent) == (None, None, "")
    assert event.details == {"client_type": "confidential", "grant_types": ["client-credentials"]}
    assert created["client_secret"] not in json.dumps(event.details)


@pytest.mark.parametrize(
    ("args", "refusal"),
    [
        (["--kind", "web"], "--redirect-uri: The authorization code grant needs at least one redirect URI."),
        (
            ["--kind", "web", "--redirect-uri", "http://shop.example.test/callback"],
            "--redirect-uri: http://shop.example.test/callback: plain http is only allowed on a loopback host.",
        ),
        (
            ["--kind", "web", "--redirect-uri", "https://shop.example.test/callback#x"],
            "must not contain a fragment",
        ),
        (["--kind", "device", "--scope", "openid telepathy"], "--scope: Select a valid choice. telepathy is not"),
        (["--kind", "machine"], "A machine client needs at least one --scope"),
    ],
    ids=["no-redirect-uri", "plain-http", "fragment", "undeclared-scope", "machine-without-scope"],
)
def test_what_the_admin_would_refuse_is_refused_with_the_option_to_change(args, refusal):
    with pytest.raises(CommandError) as raised:
        client_command("create", "Refused", *args)

    assert refusal in str(raised.value)
    assert not Application.objects.filter(name="Refused").exists()
    assert not AuditEvent.objects.exists()


def test_a_trusted_first_party_client_skips_consent():
    created = client_json(
        "create", "Our app", "--kind", "web", "--redirect-uri", "https://app.example.test/cb", "--trusted-first-party"
    )

    assert Application.objects.get(client_id=created["client_id"]).skip_authorization


def test_list_shows_client_id_name_kind_grants_and_active(machine_app, public_app):
    machine_app.name = "Billing"
    machine_app.save()
    public_app.name, public_app.is_active = "Phone app", False
    public_app.save()

    rows = [re.split(r" {2,}", line) for line in client_command("list").splitlines()]

    assert rows == [
        ["CLIENT_ID", "NAME", "KIND", "GRANTS", "ACTIVE"],
        [machine_app.client_id, "Billing", "machine", "Client credentials", "yes"],
        [public_app.client_id, "Phone app", "spa-native", "Authorization code, Refresh token", "no"],
    ]


def test_list_as_json_never_holds_a_secret(web_app, machine_app):
    Application.objects.filter(pk=web_app.pk).update(name="A web app")
    Application.objects.filter(pk=machine_app.pk).update(name="B machine")

    listed = client_json("list")

    assert [entry["client_id"] for entry in listed] == [web_app.client_id, machine_app.client_id]
    assert listed[0]["kind"] == "web"
    assert listed[0]["grant_types"] == [GrantType.AUTHORIZATION_CODE, GrantType.REFRESH_TOKEN]
    assert all("client_secret" not in entry for entry in listed)
    assert CLIENT_SECRET not in json.dumps(listed)


def test_disable_revokes_the_clients_tokens_through_the_receiver(browser, client, web_app):
    issued = tokens_for(browser, client, web_app)
    assert access_token_works(client, issued["access_token"])

    output = client_command("disable", web_app.client_id)

    assert "Disabled client" in output
    web_app.refresh_from_db()
    assert not web_app.is_active
    assert not access_token_works(client, issued["access_token"])
    assert not refresh_token_live(issued["refresh_token"])
    event = AuditEvent.objects.get(event=AuditEvent.Event.CLIENT_RETIRED)
    assert (event.application, event.user, event.details) == (web_app, None, {"changed_fields": ["active"]})


def test_disabling_a_disabled_client_changes_nothing(web_app):
    client_command("disable", web_app.client_id)

    again = client_json("disable", web_app.client_id)

    assert again["changed"] is False
    assert again["active"] is False
    assert AuditEvent.objects.filter(event=AuditEvent.Event.CLIENT_RETIRED).count() == 1


def test_rotate_secret_prints_a_new_secret_and_the_old_one_works_for_the_overlap(client, machine_app):
    grant = {"grant_type": "client_credentials"}

    rotated = client_json("rotate-secret", machine_app.client_id, "--overlap-days", "3")

    machine_app.refresh_from_db()
    assert check_password(rotated["client_secret"], machine_app.client_secret)
    assert previous_secret_matches(application=machine_app, secret=CLIENT_SECRET)
    assert rotated["previous_secret_accepted_until"] is not None
    response = token_request(client, machine_app, grant, secret=rotated["client_secret"])
    assert response.status_code == 200
    assert AuditEvent.objects.get(event=AuditEvent.Event.CLIENT_SECRET_RESET).details["overlap_seconds"] == 3 * 86400


def test_rotate_secret_with_no_overlap_stops_the_old_secret_now(client, machine_app):
    output = client_command("rotate-secret", machine_app.client_id, "--overlap-days", "0")

    assert "The previous secret stopped working now." in output
    assert not previous_secret_matches(application=machine_app, secret=CLIENT_SECRET)
    assert token_request(client, machine_app, {"grant_type": "client_credentials"}).status_code == 401


@pytest.mark.parametrize(
    ("args", "refusal"),
    [
        (["rotate-secret", "no-such-client"], "No client has client_id 'no-such-client'"),
        (["disable", "no-such-client"], "No client has client_id 'no-such-client'"),
        (["rotate-secret", "PUBLIC", "--overlap-days", "91"], "The overlap must be between 0 and 90 days."),
        (["rotate-secret", "PUBLIC"], "Only a confidential client has a secret to rotate."),
    ],
    ids=["rotate-unknown", "disable-unknown", "overlap-too-long", "public-client"],
)
def test_refusals_name_the_problem(args, refusal):
    public = PublicApplicationFactory(client_id="PUBLIC")

    with pytest.raises(CommandError) as raised:
        client_command(*args)

    assert refusal in str(raised.value)
    public.refresh_from_db()
    assert not public.secret_rotations.exists()


def test_from_a_shell_success_is_status_0_and_a_refusal_status_1_with_one_short_message(manage_py):
    created = manage_py("client", "create", "Shell client", "--kind", "resource-server", "--json")
    refused = manage_py("client", "create", "Shell web", "--kind", "web")
    unknown = manage_py("client", "disable", "no-such-client")
    listed = manage_py("client", "list", "--json")

    assert created.returncode == 0, created.stderr
    assert json.loads(created.stdout)["client_secret"]
    assert refused.returncode == 1
    assert refused.stdout == ""
    assert refused.stderr.splitlines()[-2:] == [
        "CommandError: The client was not created:",
        "  --redirect-uri: The authorization code grant needs at least one redirect URI.",
    ]
    assert unknown.returncode == 1
    assert "No client has client_id 'no-such-client'" in unknown.stderr
    assert listed.returncode == 0
    assert [entry["name"] for entry in json.loads(listed.stdout)] == ["Shell client"]


def test_from_a_shell_a_usage_mistake_is_status_2_with_the_usage(manage_py):
    result = manage_py("client", "create", "No kind")

    assert result.returncode == 2
    assert "usage: manage.py client create" in result.stderr
    assert "the following arguments are required: --kind" in result.stderr
