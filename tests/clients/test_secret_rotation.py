"""Client-secret rotation with overlap, through the real admin pages and the real token endpoint."""

import logging
from datetime import timedelta

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.hashers import check_password, identify_hasher
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from clients.models import ClientSecretRotation
from tests.factories import CLIENT_SECRET, MachineApplicationFactory, UserFactory
from tests.flows import basic_auth, form_post

pytestmark = pytest.mark.django_db


def rotate_url(app) -> str:
    return reverse("admin:clients_application_rotate_secret", args=[app.pk])


def retire_url(rotation) -> str:
    return reverse("admin:clients_application_retire_secret", args=[rotation.application_id, rotation.pk])


def rotate(admin_client: Client, app, overlap_days: int = 7) -> str:
    """Press "Generate new secret" in the admin; return the plain secret the page shows once."""
    response = admin_client.post(rotate_url(app), {"overlap_days": overlap_days})
    assert response.status_code == 200, response.content
    return response.context["client_secret"]


def token_with_basic(http: Client, app, secret: str):
    return form_post(
        http,
        reverse("oauth2_provider:token"),
        {"grant_type": "client_credentials"},
        **basic_auth(app.client_id, secret),
    )


def token_with_post_body(http: Client, app, secret: str):
    data = {"grant_type": "client_credentials", "client_id": app.client_id, "client_secret": secret}
    return form_post(http, reverse("oauth2_provider:token"), data)


def test_change_page_offers_generate_new_secret_for_a_confidential_client(admin_client, machine_app):
    response = admin_client.get(reverse("admin:clients_application_change", args=[machine_app.pk]))

    assert f'href="{rotate_url(machine_app)}"' in response.content.decode()
    assert "Generate new secret" in response.content.decode()


def test_change_page_offers_no_rotation_for_a_public_client(admin_client, public_app):
    response = admin_client.get(reverse("admin:clients_application_change", args=[public_app.pk]))

    assert "Generate new secret" not in response.content.decode()


def test_rotation_page_asks_for_the_overlap_with_seven_days_by_default(admin_client, machine_app):
    response = admin_client.get(rotate_url(machine_app))

    assert response.status_code == 200
    assert response.context["form"]["overlap_days"].value() == 7
    assert not ClientSecretRotation.objects.exists()


def test_new_secret_is_shown_once_on_a_no_store_page_and_never_in_messages_or_cookies(admin_client, machine_app):
    response = admin_client.post(rotate_url(machine_app), {"overlap_days": 7})

    secret = response.context["client_secret"]
    assert len(secret) >= 64
    assert f'<code id="client-secret" class="credential-value">{secret}</code>' in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    assert not list(response.context["messages"])
    assert all(secret not in morsel.value for morsel in response.cookies.values())
    assert all(secret not in morsel.value for morsel in admin_client.cookies.values())
    change_page = admin_client.get(reverse("admin:clients_application_change", args=[machine_app.pk]))
    assert secret not in change_page.content.decode()


def test_new_secret_is_stored_hashed_with_the_client_secret_hasher(admin_client, machine_app):
    secret = rotate(admin_client, machine_app)

    machine_app.refresh_from_db()
    assert identify_hasher(machine_app.client_secret).algorithm == "client_secret_sha256"
    assert check_password(secret, machine_app.client_secret)
    previous = ClientSecretRotation.objects.get(application=machine_app).previous_secret
    assert identify_hasher(previous).algorithm == "client_secret_sha256"
    assert CLIENT_SECRET not in previous


def test_rotation_records_who_and_when_and_the_overlap(admin_client, admin_user, machine_app):
    before = timezone.now()

    rotate(admin_client, machine_app, overlap_days=3)

    rotation = ClientSecretRotation.objects.get(application=machine_app)
    assert rotation.rotated_by == admin_user
    assert before <= rotation.rotated_at <= timezone.now()
    assert rotation.expires_at - rotation.rotated_at == timedelta(days=3)
    assert rotation.retired_at is None
    history = LogEntry.objects.get(object_id=str(machine_app.pk))
    assert "client secret (rotated)" in history.get_change_message()


def test_old_and_new_secrets_both_authenticate_during_the_overlap(admin_client, client, machine_app):
    new_secret = rotate(admin_client, machine_app)

    for authenticate in (token_with_basic, token_with_post_body):
        for secret in (CLIENT_SECRET, new_secret):
            response = authenticate(client, machine_app, secret)
            assert response.status_code == 200, (authenticate.__name__, response.content)


def test_a_wrong_secret_still_fails_with_invalid_client(admin_client, client, machine_app):
    rotate(admin_client, machine_app)

    response = token_with_basic(client, machine_app, "not-" + CLIENT_SECRET)

    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"


def test_old_secret_of_one_client_does_not_authenticate_another(admin_client, client, machine_app):
    other = MachineApplicationFactory(client_secret="other-" + "y" * 60)
    rotate(admin_client, machine_app)

    response = token_with_basic(client, other, CLIENT_SECRET)

    assert response.status_code == 401


def test_authenticating_with_the_old_secret_never_overwrites_the_new_one(admin_client, client, machine_app):
    new_secret = rotate(admin_client, machine_app)

    token_with_basic(client, machine_app, CLIENT_SECRET)

    machine_app.refresh_from_db()
    assert check_password(new_secret, machine_app.client_secret)


def test_admin_retires_the_old_secret_and_only_the_new_one_works(admin_client, admin_user, client, machine_app):
    new_secret = rotate(admin_client, machine_app)
    rotation = ClientSecretRotation.objects.get(application=machine_app)
    change_page = admin_client.get(reverse("admin:clients_application_change", args=[machine_app.pk]))
    assert f'href="{retire_url(rotation)}"' in change_page.content.decode()

    confirm = admin_client.get(retire_url(rotation))
    response = admin_client.post(retire_url(rotation))

    assert confirm.status_code == 200
    assert response.status_code == 302
    rotation.refresh_from_db()
    assert rotation.retired_by == admin_user
    assert rotation.retired_at is not None
    old = token_with_basic(client, machine_app, CLIENT_SECRET)
    assert old.status_code == 401
    assert old.json()["error"] == "invalid_client"
    assert token_with_basic(client, machine_app, new_secret).status_code == 200


def test_viewing_the_retire_page_does_not_retire(admin_client, client, machine_app):
    rotate(admin_client, machine_app)
    rotation = ClientSecretRotation.objects.get(application=machine_app)

    admin_client.get(retire_url(rotation))

    assert token_with_basic(client, machine_app, CLIENT_SECRET).status_code == 200


def test_old_secret_stops_when_its_overlap_has_passed(admin_client, client, machine_app):
    new_secret = rotate(admin_client, machine_app)
    ClientSecretRotation.objects.filter(application=machine_app).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )

    assert token_with_basic(client, machine_app, CLIENT_SECRET).status_code == 401
    assert token_with_basic(client, machine_app, new_secret).status_code == 200


def test_zero_overlap_stops_the_old_secret_at_once(admin_client, client, machine_app):
    rotate(admin_client, machine_app, overlap_days=0)

    assert token_with_basic(client, machine_app, CLIENT_SECRET).status_code == 401


def test_two_rotations_keep_both_replaced_secrets_during_their_overlap(admin_client, client, machine_app):
    second = rotate(admin_client, machine_app)
    third = rotate(admin_client, machine_app)

    assert ClientSecretRotation.objects.filter(application=machine_app).count() == 2
    for secret in (CLIENT_SECRET, second, third):
        assert token_with_basic(client, machine_app, secret).status_code == 200


@pytest.mark.parametrize("overlap_days", [-1, 91, ""])
def test_an_overlap_out_of_range_is_a_field_error(admin_client, machine_app, overlap_days):
    response = admin_client.post(rotate_url(machine_app), {"overlap_days": overlap_days})

    assert response.status_code == 200
    assert "overlap_days" in response.context["form"].errors
    assert not ClientSecretRotation.objects.exists()


def test_a_public_client_cannot_be_rotated(admin_client, public_app):
    response = admin_client.post(rotate_url(public_app), {"overlap_days": 7})

    assert response.status_code == 302
    assert not ClientSecretRotation.objects.exists()


def test_staff_without_change_permission_cannot_rotate(machine_app):
    viewer = UserFactory(username="viewer", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_application"))
    http = Client()
    http.force_login(viewer)

    response = http.post(rotate_url(machine_app), {"overlap_days": 7})

    assert response.status_code == 403
    assert not ClientSecretRotation.objects.exists()


def test_signed_out_visitor_is_sent_to_the_admin_login(client, machine_app):
    response = client.post(rotate_url(machine_app), {"overlap_days": 7})

    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]
    assert not ClientSecretRotation.objects.exists()


def test_rotation_never_logs_the_secret(admin_client, client, machine_app, caplog):
    caplog.set_level(logging.DEBUG)

    secret = rotate(admin_client, machine_app)
    token_with_basic(client, machine_app, CLIENT_SECRET)
    token_with_basic(client, machine_app, secret)

    assert secret not in caplog.text
    assert CLIENT_SECRET not in caplog.text
