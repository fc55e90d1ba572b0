"""seed_demo registers a private_key_jwt and a client_secret_jwt client that can authenticate as seeded."""

import json

import pytest
from django.core.management import call_command
from joserfc.jwk import RSAKey

from clients.models import Application, TokenEndpointAuthMethod
from clients.sealed_secrets import secret_unseal
from tests.idp import set_idp

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(tmp_path, settings) -> dict:
    # What the local settings (make run) have: seed_demo only runs there.
    settings.DEBUG = True
    set_idp(settings, ALLOW_HTTP_LOOPBACK_FOR_CONFIDENTIAL=True)
    path = tmp_path / "demo-credentials.json"
    call_command("seed_demo", "--credentials-file", str(path), stdout=None)
    return json.loads(path.read_text())


def test_the_private_key_jwt_client_is_registered_with_the_public_half_of_the_saved_key(seeded):
    app = Application.objects.get(client_id="demo-machine-keys")
    private = RSAKey.import_key(seeded["client_keys"]["demo-machine-keys"])

    assert app.token_endpoint_auth_method == TokenEndpointAuthMethod.PRIVATE_KEY_JWT
    assert app.jwks == {"keys": [private.as_dict(private=False)]}
    assert "d" not in app.jwks["keys"][0]


def test_seeding_again_keeps_the_key(seeded, tmp_path):
    call_command("seed_demo", "--credentials-file", str(tmp_path / "demo-credentials.json"), stdout=None)

    again = json.loads((tmp_path / "demo-credentials.json").read_text())
    assert again["client_keys"] == seeded["client_keys"]


def test_the_client_secret_jwt_client_keeps_its_saved_secret_encrypted(seeded):
    app = Application.objects.get(client_id="demo-machine-hmac")

    assert app.token_endpoint_auth_method == TokenEndpointAuthMethod.CLIENT_SECRET_JWT
    unsealed = secret_unseal(sealed=app.client_secret_sealed, client_id=app.client_id)
    assert unsealed == seeded["client_secrets"]["demo-machine-hmac"]
