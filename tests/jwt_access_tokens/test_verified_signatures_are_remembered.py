"""A JWT this process verified is not verified again; its dates, issuer, audience and key are checked every time."""

import time

import pytest
from django.urls import reverse

from provider import jwt_access_tokens
from tests.jwt_access_tokens.conftest import bearer, new_pem

pytestmark = pytest.mark.django_db


@pytest.fixture
def no_signature_checks(monkeypatch):
    """Fail the test if a signature is verified again (the remembered answer must be used)."""

    def refuse(*args, **kwargs):
        raise AssertionError("the signature was verified again")

    def arm():
        monkeypatch.setattr(jwt_access_tokens, "verify_access_token", refuse)

    return arm


def test_a_second_presentation_checks_no_signature(client, machine_jwt, no_signature_checks):
    token = machine_jwt()
    assert client.get(reverse("api:user-list"), **bearer(token)).status_code == 200
    no_signature_checks()

    assert client.get(reverse("api:user-list"), **bearer(token)).status_code == 200


def test_a_remembered_token_still_expires(client, machine_jwt, monkeypatch, no_signature_checks):
    token = machine_jwt()
    assert client.get(reverse("api:user-list"), **bearer(token)).status_code == 200
    no_signature_checks()
    later = time.time() + 121  # the client's lifetime is 120 s
    monkeypatch.setattr("resource_verifier.verification.time.time", lambda: later)

    response = client.get(reverse("api:user-list"), **bearer(token))

    assert response.status_code == 401
    assert "expired" in response.json()["error_description"]


def test_a_remembered_token_is_still_checked_against_the_issuer(client, machine_jwt, no_signature_checks):
    token = machine_jwt()
    assert client.get(reverse("api:user-list"), **bearer(token)).status_code == 200
    no_signature_checks()

    # The same provider answering on another origin is another issuer (OIDC_ISS_ENDPOINT unset).
    response = client.get(reverse("api:user-list"), HTTP_HOST="127.0.0.1", **bearer(token))

    assert response.status_code == 401
    assert "another server" in response.json()["error_description"]


def test_a_key_change_forgets_every_remembered_token(client, machine_jwt, settings):
    token = machine_jwt()
    assert client.get(reverse("api:user-list"), **bearer(token)).status_code == 200

    settings.OAUTH2_PROVIDER = {**settings.OAUTH2_PROVIDER, "OIDC_RSA_PRIVATE_KEY": new_pem()}

    assert client.get(reverse("api:user-list"), **bearer(token)).status_code == 401
