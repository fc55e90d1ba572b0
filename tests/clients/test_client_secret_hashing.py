"""Client secrets: stored salted with the fast hasher, old slow hashes accepted once and then upgraded."""

import pytest
from django.contrib.auth.hashers import identify_hasher, make_password
from django.urls import reverse

from clients.hashers import ClientSecretHasher
from clients.models import Application
from tests.factories import CLIENT_SECRET, MachineApplicationFactory
from tests.flows import basic_auth

pytestmark = pytest.mark.django_db


def client_credentials(client, app, secret: str = CLIENT_SECRET):
    return client.post(
        reverse("oauth2_provider:token"),
        {"grant_type": "client_credentials", "scope": "users:read"},
        **basic_auth(app.client_id, secret),
    )


def stored_secret(app) -> str:
    return Application.objects.values_list("client_secret", flat=True).get(pk=app.pk)


@pytest.fixture
def legacy_app():
    """A client whose secret was stored by DOT's defaults: Django's PBKDF2 password hasher."""
    app = MachineApplicationFactory()
    Application.objects.filter(pk=app.pk).update(client_secret=make_password(CLIENT_SECRET, hasher="pbkdf2_sha256"))
    return app


def test_a_new_secret_is_stored_salted_with_the_client_secret_hasher(machine_app):
    other = MachineApplicationFactory()

    assert identify_hasher(stored_secret(machine_app)).algorithm == "client_secret_sha256"
    assert CLIENT_SECRET not in stored_secret(machine_app)
    # Same secret, different salt: equal secrets are not visible as equal hashes.
    assert stored_secret(machine_app) != stored_secret(other)


def test_the_fast_hasher_accepts_the_secret_and_nothing_else():
    hasher = ClientSecretHasher()
    encoded = hasher.encode(CLIENT_SECRET, hasher.salt())

    assert hasher.verify(CLIENT_SECRET, encoded)
    assert not hasher.verify(CLIENT_SECRET + "x", encoded)
    assert not hasher.verify(CLIENT_SECRET[:-1], encoded)


def test_a_secret_stored_by_dot_defaults_still_authenticates(client, legacy_app):
    response = client_credentials(client, legacy_app)

    assert response.status_code == 200
    assert response.json()["token_type"] == "Bearer"


def test_a_slow_hash_is_replaced_by_the_fast_one_after_a_successful_authentication(client, legacy_app):
    client_credentials(client, legacy_app)

    assert identify_hasher(stored_secret(legacy_app)).algorithm == "client_secret_sha256"
    # The upgraded hash still matches the same secret.
    assert client_credentials(client, legacy_app).status_code == 200


def test_a_wrong_secret_neither_authenticates_nor_upgrades_the_hash(client, legacy_app):
    response = client_credentials(client, legacy_app, secret="not-the-secret")

    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"
    assert identify_hasher(stored_secret(legacy_app)).algorithm == "pbkdf2_sha256"


def test_a_secret_stored_in_plain_text_is_refused(client, machine_app):
    Application.objects.filter(pk=machine_app.pk).update(client_secret=CLIENT_SECRET)

    response = client_credentials(client, machine_app)

    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"
