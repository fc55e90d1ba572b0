"""Token revocation (RFC 7009) through the real revocation endpoint."""

import pytest
from django.urls import reverse
from oauth2_provider.models import get_refresh_token_model

from tests.factories import AccessTokenFactory, ApplicationFactory
from tests.flows import endpoint_request, form_post, token_request, tokens_for

pytestmark = pytest.mark.django_db


def revoke(http, app, token: str, *, secret=None, **extra):
    """POST ``token`` to the revocation endpoint as ``app``."""
    kwargs = {} if secret is None else {"secret": secret}
    return endpoint_request(http, "oauth2_provider:revoke-token", app, {"token": token, **extra}, **kwargs)


def userinfo_status(http, access_token: str) -> int:
    return http.get(reverse("oauth2_provider:user-info"), HTTP_AUTHORIZATION=f"Bearer {access_token}").status_code


def test_revoking_an_access_token_makes_it_unusable(browser, client, web_app):
    tokens = tokens_for(browser, client, web_app)
    assert userinfo_status(client, tokens["access_token"]) == 200

    response = revoke(client, web_app, tokens["access_token"], token_type_hint="access_token")

    assert response.status_code == 200
    assert response.content == b""
    assert userinfo_status(client, tokens["access_token"]) == 401


def test_revoking_an_access_token_also_revokes_its_refresh_token(browser, client, web_app):
    tokens = tokens_for(browser, client, web_app)

    revoke(client, web_app, tokens["access_token"])

    refreshed = token_request(
        client, web_app, {"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]}
    )
    assert refreshed.status_code == 400
    assert refreshed.json()["error"] == "invalid_grant"


def test_revoking_a_refresh_token_kills_it_and_its_access_token(browser, client, web_app):
    tokens = tokens_for(browser, client, web_app)

    response = revoke(client, web_app, tokens["refresh_token"], token_type_hint="refresh_token")

    assert response.status_code == 200
    refreshed = token_request(
        client, web_app, {"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]}
    )
    assert refreshed.json()["error"] == "invalid_grant"
    assert userinfo_status(client, tokens["access_token"]) == 401
    assert get_refresh_token_model().objects.get(application=web_app).revoked is not None


def test_a_wrong_type_hint_still_finds_the_token(browser, client, web_app):
    tokens = tokens_for(browser, client, web_app)

    revoke(client, web_app, tokens["refresh_token"], token_type_hint="access_token")

    assert userinfo_status(client, tokens["access_token"]) == 401


def test_an_unknown_token_answers_200(client, web_app):
    response = revoke(client, web_app, "no-such-token")

    assert response.status_code == 200


def test_a_client_cannot_revoke_another_clients_token(client, web_app):
    victim = AccessTokenFactory(application=ApplicationFactory())

    response = revoke(client, web_app, victim.raw_token)

    assert response.status_code == 200  # RFC 7009 §2.2: no hint whether the token exists
    assert userinfo_status(client, victim.raw_token) == 200


def test_a_confidential_client_must_authenticate(client, web_app):
    token = AccessTokenFactory(application=web_app)

    response = form_post(client, reverse("oauth2_provider:revoke-token"), {"token": token.raw_token})

    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"
    assert userinfo_status(client, token.raw_token) == 200


def test_a_wrong_secret_is_invalid_client(client, web_app):
    token = AccessTokenFactory(application=web_app)

    response = revoke(client, web_app, token.raw_token, secret="wrong-secret")

    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"
    assert response["WWW-Authenticate"].startswith("Basic")
    assert userinfo_status(client, token.raw_token) == 200


def test_a_confidential_client_cannot_pose_as_public_with_its_client_id_alone(client, web_app):
    token = AccessTokenFactory(application=web_app)

    data = {"token": token.raw_token, "client_id": web_app.client_id}
    response = form_post(client, reverse("oauth2_provider:revoke-token"), data)

    assert response.status_code == 401
    assert userinfo_status(client, token.raw_token) == 200


def test_a_public_client_revokes_its_own_token_with_its_client_id(browser, client, public_app):
    tokens = tokens_for(browser, client, public_app)

    response = revoke(client, public_app, tokens["access_token"])

    assert response.status_code == 200
    assert userinfo_status(client, tokens["access_token"]) == 401


def test_a_request_without_token_is_invalid_request(client, web_app):
    response = endpoint_request(client, "oauth2_provider:revoke-token", web_app, {})

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"


def test_get_is_refused(client, web_app):
    response = client.get(reverse("oauth2_provider:revoke-token"), {"token": "x"})

    assert response.status_code == 405
