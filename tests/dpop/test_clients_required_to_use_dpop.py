"""A client an admin set to dpop_bound_access_tokens gets no token without a DPoP proof (RFC 9449 §5.2)."""

import pytest
from django.urls import reverse

from tests.dpop.proofs import new_key, token_post
from tests.factories import MachineApplicationFactory

pytestmark = pytest.mark.django_db

CLIENT_CREDENTIALS = {"grant_type": "client_credentials", "scope": "users:read"}


def test_a_token_request_without_a_proof_is_invalid_dpop_proof(client):
    app = MachineApplicationFactory(dpop_bound_access_tokens=True)

    response = token_post(client, app, CLIENT_CREDENTIALS)

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_dpop_proof"
    assert response["Cache-Control"] == "no-store"


def test_a_token_request_with_a_proof_gets_a_bound_token(client):
    app = MachineApplicationFactory(dpop_bound_access_tokens=True)

    response = token_post(client, app, CLIENT_CREDENTIALS, key=new_key())

    assert response.status_code == 200, response.content
    assert response.json()["token_type"] == "DPoP"


def test_a_wrong_secret_is_still_invalid_client_before_the_missing_proof(client):
    app = MachineApplicationFactory(dpop_bound_access_tokens=True)

    response = token_post(client, app, CLIENT_CREDENTIALS, HTTP_AUTHORIZATION="Basic Zm9vOmJhcg==")

    # Who is asking is settled before what the client's registration demands of it.
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"


def test_the_admin_form_offers_the_switch(admin_client, machine_app):
    page = admin_client.get(reverse("admin:clients_application_change", args=[machine_app.pk]))

    assert b'name="dpop_bound_access_tokens"' in page.content
