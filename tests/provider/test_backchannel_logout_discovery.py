"""Discovery says back-channel logout is supported, with the session named (Back-Channel Logout 1.0 §2.1)."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_discovery_advertises_backchannel_logout_with_sessions(client):
    metadata = client.get(reverse("oauth2_provider:oidc-connect-discovery-info")).json()

    assert metadata["backchannel_logout_supported"] is True
    assert metadata["backchannel_logout_session_supported"] is True
