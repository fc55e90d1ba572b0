"""A DPoP-bound token copied and sent as a bearer token is refused at userinfo too (RFC 9449 §7.2)."""

import pytest
from django.urls import reverse

from tests.dpop.proofs import dpop_tokens_for, new_key

pytestmark = pytest.mark.django_db


def test_a_bound_token_sent_to_userinfo_as_a_bearer_token_is_invalid_token(browser, client, web_app):
    token = dpop_tokens_for(browser, client, web_app, new_key(), scope="openid profile")["access_token"]

    response = client.get(reverse("oauth2_provider:user-info"), HTTP_AUTHORIZATION=f"Bearer {token}")

    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith('Bearer realm="userinfo",error="invalid_token"')
