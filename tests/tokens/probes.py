"""Ask the real endpoints whether a token still works, as a client or resource server would find out."""

from django.test import Client
from django.urls import reverse
from oauth2_provider.models import get_access_token_model, get_refresh_token_model

from tests.flows import token_request
from tokens.checksums import sha256_hex


def refresh(http: Client, app, refresh_token: str, **kwargs):
    """Use ``refresh_token`` at the token endpoint as ``app``."""
    return token_request(http, app, {"grant_type": "refresh_token", "refresh_token": refresh_token}, **kwargs)


def access_token_works(http: Client, access_token: str) -> bool:
    """Whether the userinfo endpoint accepts ``access_token`` (the RFC 6750 way of using it)."""
    response = http.get(reverse("oauth2_provider:user-info"), HTTP_AUTHORIZATION=f"Bearer {access_token}")
    assert response.status_code in {200, 401}, response.content
    return response.status_code == 200


def access_token_stored(access_token: str) -> bool:
    """Whether a row for ``access_token`` still exists (revocation deletes it)."""
    return get_access_token_model().objects.filter(token_checksum=sha256_hex(access_token)).exists()


def refresh_token_live(refresh_token: str) -> bool:
    """Whether ``refresh_token`` is stored and not revoked."""
    return (
        get_refresh_token_model()
        .objects.filter(token_checksum=sha256_hex(refresh_token), revoked__isnull=True)
        .exists()
    )
