"""client_secret_jwt (RFC 7523 §2.2 with HMAC, OIDC Core §9): an admin's opt-in, the secret kept encrypted."""

from datetime import timedelta

import pytest
from django.contrib.auth.hashers import identify_hasher
from django.urls import reverse

from clients.models import Application, GrantType, TokenEndpointAuthMethod
from clients.sealed_secrets import secret_seal, secret_unseal
from clients.secret_rotation import client_secret_retire, client_secret_rotate
from tests.client_assertions.keys import KEY_FOR_ALGORITHM, assertion, assertion_form, public_jwks, secret_assertion
from tests.clients.test_admin_application_form import ADD_URL, admin_form, field_errors
from tests.factories import CLIENT_SECRET, MachineApplicationFactory
from tests.flows import basic_auth, form_post

pytestmark = pytest.mark.django_db

GRANT = {"grant_type": "client_credentials"}


@pytest.fixture
def secret_jwt_app(db):
    """A machine client created for client_secret_jwt, its secret CLIENT_SECRET."""
    return MachineApplicationFactory(token_endpoint_auth_method=TokenEndpointAuthMethod.CLIENT_SECRET_JWT)


def token(client, signed: str):
    return form_post(client, reverse("oauth2_provider:token"), {**GRANT, **assertion_form(signed)})


def refused(response) -> bool:
    return response.status_code == 401 and response.json()["error"] == "invalid_client"


@pytest.mark.parametrize("alg", ["HS256", "HS384", "HS512"])
def test_an_assertion_keyed_with_the_client_secret_gets_a_token(client, secret_jwt_app, alg):
    response = token(client, secret_assertion(CLIENT_SECRET, secret_jwt_app.client_id, alg=alg))

    assert response.status_code == 200, response.content


def test_the_secret_is_stored_hashed_and_sealed_never_in_plain(secret_jwt_app):
    stored = Application.objects.get(pk=secret_jwt_app.pk)

    identify_hasher(stored.client_secret)  # raises if it were plain
    assert CLIENT_SECRET not in stored.client_secret_sealed
    assert secret_unseal(sealed=stored.client_secret_sealed, client_id=stored.client_id) == CLIENT_SECRET


def test_a_sealed_secret_moved_to_another_client_does_not_open(secret_jwt_app):
    other = MachineApplicationFactory()

    assert secret_unseal(sealed=secret_jwt_app.client_secret_sealed, client_id=other.client_id) is None


def test_a_sealed_secret_opens_after_secret_key_rotation_through_the_fallbacks(settings, secret_jwt_app):
    sealed = secret_jwt_app.client_secret_sealed
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a-new-secret-key-" + "x" * 40

    assert secret_unseal(sealed=sealed, client_id=secret_jwt_app.client_id) == CLIENT_SECRET
    settings.SECRET_KEY_FALLBACKS = []
    assert secret_unseal(sealed=sealed, client_id=secret_jwt_app.client_id) is None


def test_a_client_of_any_other_method_keeps_no_recoverable_copy(secret_jwt_app):
    secret_jwt_app.token_endpoint_auth_method = TokenEndpointAuthMethod.CLIENT_SECRET
    secret_jwt_app.save()

    assert Application.objects.get(pk=secret_jwt_app.pk).client_secret_sealed == ""
    assert MachineApplicationFactory().client_secret_sealed == ""


def test_an_assertion_keyed_with_another_secret_is_refused(client, secret_jwt_app):
    assert refused(token(client, secret_assertion("not-the-secret" * 4, secret_jwt_app.client_id)))


def test_a_replayed_assertion_is_refused_the_second_time(client, secret_jwt_app):
    signed = secret_assertion(CLIENT_SECRET, secret_jwt_app.client_id)

    assert token(client, signed).status_code == 200
    assert refused(token(client, signed))


def test_an_assertion_for_another_audience_is_refused(client, secret_jwt_app):
    signed = secret_assertion(CLIENT_SECRET, secret_jwt_app.client_id, aud="https://elsewhere.example/o/token/")

    assert refused(token(client, signed))


def test_a_key_signed_assertion_is_refused_for_a_client_registered_for_client_secret_jwt(client, secret_jwt_app):
    key = KEY_FOR_ALGORITHM["RS256"]()
    secret_jwt_app.jwks = public_jwks(key)
    secret_jwt_app.save()

    assert refused(token(client, assertion(key, secret_jwt_app.client_id)))


def test_the_plain_secret_sent_directly_is_refused(client, secret_jwt_app):
    response = form_post(client, reverse("oauth2_provider:token"), GRANT, **basic_auth(secret_jwt_app.client_id))

    assert refused(response)


def test_a_client_switched_to_client_secret_jwt_with_a_hashed_secret_works_once_the_secret_is_rotated(
    client, admin_user
):
    app = MachineApplicationFactory()
    app.token_endpoint_auth_method = TokenEndpointAuthMethod.CLIENT_SECRET_JWT
    app.save()  # the secret exists only as a hash: nothing to key an HMAC check with

    assert refused(token(client, secret_assertion(CLIENT_SECRET, app.client_id)))

    new_secret, _ = client_secret_rotate(application=app, rotated_by=admin_user, overlap=timedelta(0))

    assert token(client, secret_assertion(new_secret, app.client_id)).status_code == 200


def test_the_replaced_secret_keys_assertions_until_it_is_retired(client, admin_user, secret_jwt_app):
    new_secret, rotation = client_secret_rotate(application=secret_jwt_app, rotated_by=admin_user)

    assert token(client, secret_assertion(new_secret, secret_jwt_app.client_id)).status_code == 200
    assert token(client, secret_assertion(CLIENT_SECRET, secret_jwt_app.client_id)).status_code == 200

    client_secret_retire(rotation=rotation, retired_by=admin_user)

    assert refused(token(client, secret_assertion(CLIENT_SECRET, secret_jwt_app.client_id)))
    rotation.refresh_from_db()
    assert rotation.previous_secret_sealed == ""  # a retired secret is not kept recoverable


def test_a_sealed_value_is_different_each_time(secret_jwt_app):
    first = secret_seal(plain=CLIENT_SECRET, client_id=secret_jwt_app.client_id)

    assert first != secret_seal(plain=CLIENT_SECRET, client_id=secret_jwt_app.client_id)


def test_a_client_added_in_the_admin_for_client_secret_jwt_authenticates_with_the_secret_shown(client, admin_client):
    form = admin_form(
        name="Legacy batch job",
        grant_types=[GrantType.CLIENT_CREDENTIALS],
        allowed_scopes=["users:read"],
        redirect_uris="",
        token_endpoint_auth_method=TokenEndpointAuthMethod.CLIENT_SECRET_JWT,
    )

    page = admin_client.post(ADD_URL, form)

    app = page.context["application"]
    signed = secret_assertion(page.context["client_secret"], app.client_id)
    assert token(client, signed).status_code == 200


def test_the_admin_warns_when_a_client_is_switched_to_client_secret_jwt_with_only_a_hashed_secret(admin_client):
    app = MachineApplicationFactory()
    url = reverse("admin:clients_application_change", args=[app.pk])
    form = admin_form(
        name=app.name,
        grant_types=[GrantType.CLIENT_CREDENTIALS],
        allowed_scopes=["users:read"],
        redirect_uris="",
        token_endpoint_auth_method=TokenEndpointAuthMethod.CLIENT_SECRET_JWT,
    )

    response = admin_client.post(url, form, follow=True)

    assert "rotate it (Generate new secret" in response.content.decode()


def test_a_public_client_cannot_be_registered_for_client_secret_jwt(admin_client):
    form = admin_form(
        client_type=Application.CLIENT_PUBLIC,
        redirect_uris="http://127.0.0.1:8765/callback",
        token_endpoint_auth_method=TokenEndpointAuthMethod.CLIENT_SECRET_JWT,
    )

    response = admin_client.post(ADD_URL, form)

    assert "A public client has no secret to sign with." in field_errors(response, "token_endpoint_auth_method")
