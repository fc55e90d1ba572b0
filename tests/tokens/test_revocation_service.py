"""Every way of revoking goes through tokens.services, and each ends the whole grant."""

import pytest
from django.urls import reverse
from oauth2_provider.models import get_access_token_model, get_refresh_token_model

from tests.flows import tokens_for
from tokens.checksums import sha256_hex
from tokens.services import token_revoke, tokens_revoke

pytestmark = pytest.mark.django_db

AccessToken = get_access_token_model()
RefreshToken = get_refresh_token_model()


def test_an_admin_revoking_an_access_token_ends_its_refresh_token_too(admin_client, browser, client, web_app):
    tokens = tokens_for(browser, client, web_app)
    access_token = AccessToken.objects.get(token_checksum=sha256_hex(tokens["access_token"]))

    response = admin_client.post(
        reverse("admin:oauth2_provider_accesstoken_changelist"),
        {"action": "revoke_tokens", "_selected_action": [access_token.pk]},
    )

    assert response.status_code == 302
    assert not AccessToken.objects.filter(pk=access_token.pk).exists()
    refresh_token = RefreshToken.objects.get(token_checksum=sha256_hex(tokens["refresh_token"]))
    assert refresh_token.revoked is not None


def test_a_token_without_lineage_is_revoked_with_its_bound_access_token(browser, client, web_app):
    tokens = tokens_for(browser, client, web_app)
    refresh_token = RefreshToken.objects.get(token_checksum=sha256_hex(tokens["refresh_token"]))
    # A chain issued before token families were recorded has none.
    RefreshToken.objects.filter(pk=refresh_token.pk).update(token_family=None)

    token_revoke(checksum=refresh_token.token_checksum, application=web_app)

    refresh_token.refresh_from_db()
    assert refresh_token.revoked is not None
    assert not AccessToken.objects.filter(token_checksum=sha256_hex(tokens["access_token"])).exists()


def test_a_token_of_another_client_is_left_alone(browser, client, web_app, machine_app):
    tokens = tokens_for(browser, client, web_app)

    token_revoke(checksum=sha256_hex(tokens["access_token"]), application=machine_app)

    assert AccessToken.objects.filter(token_checksum=sha256_hex(tokens["access_token"])).exists()


def test_revoking_without_saying_whose_tokens_is_refused():
    with pytest.raises(ValueError, match="needs a user, an application or both"):
        tokens_revoke()
