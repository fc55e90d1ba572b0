"""Discovery says DPoP proofs are accepted, and with which algorithms (RFC 9449 §5.1)."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

ALGORITHMS = ["ES256", "PS256", "RS256", "EdDSA"]


@pytest.mark.parametrize(
    "document", ["oauth2_provider:oauth-server-metadata", "oauth2_provider:oidc-connect-discovery-info"]
)
def test_both_documents_list_the_dpop_signing_algorithms(client, document):
    metadata = client.get(reverse(document)).json()

    assert metadata["dpop_signing_alg_values_supported"] == ALGORITHMS
