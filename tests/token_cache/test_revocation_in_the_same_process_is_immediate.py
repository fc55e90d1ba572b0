"""The process that revokes a token refuses it on its very next request, without waiting for the feed."""

import pytest
from django.urls import reverse

from tests.flows import basic_auth

pytestmark = pytest.mark.django_db


def test_a_token_revoked_here_is_refused_at_once_even_between_feed_reads(client, rare_feed_reads, access_token):
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {access_token.raw_token}"}
    assert client.get(reverse("api:me"), **bearer).status_code == 200

    revoked = client.post(
        reverse("oauth2_provider:revoke-token"),
        {"token": access_token.raw_token},
        **basic_auth(access_token.application.client_id),
    )
    response = client.get(reverse("api:me"), **bearer)

    assert revoked.status_code == 200
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_token"


def test_a_user_deactivated_here_is_refused_at_once(client, rare_feed_reads, access_token):
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {access_token.raw_token}"}
    assert client.get(reverse("api:me"), **bearer).status_code == 200

    access_token.user.is_active = False
    access_token.user.save()

    assert client.get(reverse("api:me"), **bearer).status_code == 401
