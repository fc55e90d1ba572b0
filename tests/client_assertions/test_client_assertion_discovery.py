"""Discovery names both JWT client authentication methods and every algorithm each accepts."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url_name", ["oauth2_provider:oidc-connect-discovery-info", "oauth2_provider:oauth-server-metadata"]
)
def test_discovery_lists_private_key_jwt_client_secret_jwt_and_their_signing_algorithms(client, url_name):
    document = client.get(reverse(url_name)).json()

    for endpoint in ("token", "revocation", "introspection"):
        assert "private_key_jwt" in document[f"{endpoint}_endpoint_auth_methods_supported"]
        assert "client_secret_jwt" in document[f"{endpoint}_endpoint_auth_methods_supported"]
        assert document[f"{endpoint}_endpoint_auth_signing_alg_values_supported"] == [
            "RS256",
            "PS256",
            "ES256",
            "EdDSA",
            "HS256",
            "HS384",
            "HS512",
        ]
