"""private_key_jwt at the pushed authorization request and device authorization endpoints, and the device poll."""

import pytest
from django.urls import reverse

from clients.models import TokenEndpointAuthMethod
from tests.client_assertions.keys import assertion, assertion_form, public_jwks
from tests.factories import ApplicationFactory, DeviceApplicationFactory
from tests.flows import authorize_params, form_post, pkce_pair

pytestmark = pytest.mark.django_db


def test_a_private_key_jwt_client_pushes_an_authorization_request(client, client_key):
    app = ApplicationFactory(
        token_endpoint_auth_method=TokenEndpointAuthMethod.PRIVATE_KEY_JWT, jwks=public_jwks(client_key)
    )
    _, challenge = pkce_pair()
    signed = assertion(client_key, app.client_id, aud="http://testserver/o/par/")

    response = form_post(
        client,
        reverse("oauth2_provider:pushed-authorization"),
        {**authorize_params(app, challenge=challenge), **assertion_form(signed)},
    )

    assert response.status_code == 201, response.content


def test_a_pushed_request_with_a_replayed_assertion_is_invalid_client(client, client_key):
    app = ApplicationFactory(
        token_endpoint_auth_method=TokenEndpointAuthMethod.PRIVATE_KEY_JWT, jwks=public_jwks(client_key)
    )
    _, challenge = pkce_pair()
    form = {**authorize_params(app, challenge=challenge), **assertion_form(assertion(client_key, app.client_id))}
    assert form_post(client, reverse("oauth2_provider:pushed-authorization"), form).status_code == 201

    response = form_post(client, reverse("oauth2_provider:pushed-authorization"), form)

    assert response.status_code == 401


def test_a_private_key_jwt_device_client_starts_and_polls_with_assertions(client, client_key):
    app = DeviceApplicationFactory(
        client_type="confidential",
        token_endpoint_auth_method=TokenEndpointAuthMethod.PRIVATE_KEY_JWT,
        jwks=public_jwks(client_key),
    )
    # No client_id beside the assertion: RFC 8628 §3.1 asks for it only of a client that does not authenticate.
    signed = assertion(client_key, app.client_id, aud="http://testserver/o/device-authorization/")
    started = form_post(
        client,
        reverse("oauth2_provider:device-authorization"),
        {"scope": "openid", **assertion_form(signed)},
    )
    assert started.status_code == 200, started.content

    poll = {"grant_type": "urn:ietf:params:oauth:grant-type:device_code", "device_code": started.json()["device_code"]}
    response = form_post(
        client, reverse("oauth2_provider:token"), {**poll, **assertion_form(assertion(client_key, app.client_id))}
    )

    assert response.json()["error"] == "authorization_pending", response.content
