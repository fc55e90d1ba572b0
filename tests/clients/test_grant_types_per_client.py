"""Several grant types per client, chosen in admin; any other grant is unauthorized_client at every endpoint."""

from urllib.parse import urlencode

import pytest
from django.urls import reverse

from clients.models import Application, GrantType
from tests.factories import (
    CLIENT_SECRET,
    USER_PASSWORD,
    ApplicationFactory,
    MachineApplicationFactory,
    PublicApplicationFactory,
)
from tests.flows import basic_auth, exchange_code, obtain_code, pkce_pair, redirect_query

pytestmark = pytest.mark.django_db

BACKEND_GRANTS = [GrantType.AUTHORIZATION_CODE, GrantType.REFRESH_TOKEN, GrantType.CLIENT_CREDENTIALS]


def admin_form(**overrides) -> dict:
    """The POST body of the admin's add-client form, as a browser submits it."""
    return {
        "name": "Backend app",
        "client_type": Application.CLIENT_CONFIDENTIAL,
        "grant_types": BACKEND_GRANTS,
        "allowed_scopes": ["openid", "profile", "users:read"],
        "redirect_uris": "https://backend.example.test/callback",
        "post_logout_redirect_uris": "",
        "allowed_origins": "",
        "algorithm": Application.RS256_ALGORITHM,
        "user": "",
        **overrides,
    }


def device_authorization(http, **data):
    """POST to the device authorization endpoint as a form, as RFC 8628 §3.1 requires."""
    return http.post(
        reverse("oauth2_provider:device-authorization"),
        urlencode(data),
        content_type="application/x-www-form-urlencoded",
    )


def client_credentials(http, app, **data):
    return http.post(
        reverse("oauth2_provider:token"), {"grant_type": "client_credentials", **data}, **basic_auth(app.client_id)
    )


def test_admin_gives_one_client_code_refresh_and_client_credentials(admin_client):
    response = admin_client.post(reverse("admin:clients_application_add"), admin_form())

    assert response.status_code == 200, response.content
    app = Application.objects.get(name="Backend app")
    assert sorted(app.grant_types) == sorted(BACKEND_GRANTS)
    assert response.context["client_secret"]
    assert "no-store" in response["Cache-Control"]


def test_admin_form_shows_each_grant_as_a_checkbox(admin_client):
    response = admin_client.get(reverse("admin:clients_application_add"))

    assert response.status_code == 200
    for grant in GrantType.values:
        assert f'type="checkbox" name="grant_types" value="{grant}"' in response.content.decode()


def test_admin_refuses_a_client_without_any_grant(admin_client):
    response = admin_client.post(reverse("admin:clients_application_add"), admin_form(grant_types=[]))

    assert response.status_code == 200
    assert "grant_types" in response.context["adminform"].form.errors
    assert not Application.objects.filter(name="Backend app").exists()


def test_admin_refuses_client_credentials_for_a_public_client(admin_client):
    form = admin_form(client_type=Application.CLIENT_PUBLIC, redirect_uris="http://127.0.0.1:8765/callback")

    response = admin_client.post(reverse("admin:clients_application_add"), form)

    errors = response.context["adminform"].form.errors
    assert "A public client cannot use Client credentials" in " ".join(errors["grant_types"])
    assert not Application.objects.filter(name="Backend app").exists()


def test_admin_refuses_refresh_token_alone(admin_client):
    response = admin_client.post(
        reverse("admin:clients_application_add"), admin_form(grant_types=[GrantType.REFRESH_TOKEN])
    )

    assert "grant_types" in response.context["adminform"].form.errors


def test_admin_refuses_an_unknown_grant(admin_client):
    response = admin_client.post(reverse("admin:clients_application_add"), admin_form(grant_types=["implicit"]))

    assert "grant_types" in response.context["adminform"].form.errors


def test_client_with_several_grants_uses_each_of_them(browser, client):
    app = ApplicationFactory(grant_types=BACKEND_GRANTS, allowed_scopes=["openid", "profile", "users:read"])

    machine = client_credentials(client, app, scope="users:read")
    code, verifier = obtain_code(browser, app)
    user_tokens = exchange_code(client, app, code, verifier)
    refreshed = client.post(
        reverse("oauth2_provider:token"),
        {"grant_type": "refresh_token", "refresh_token": user_tokens.json()["refresh_token"]},
        **basic_auth(app.client_id),
    )

    assert machine.status_code == 200, machine.content
    assert user_tokens.status_code == 200, user_tokens.content
    assert refreshed.status_code == 200, refreshed.content


def test_client_credentials_without_that_grant_is_unauthorized_client(client, web_app):
    response = client_credentials(client, web_app, scope="profile")

    assert response.status_code == 400
    assert response.json()["error"] == "unauthorized_client"


def test_authorization_code_exchange_without_that_grant_is_unauthorized_client(browser, client, web_app):
    code, verifier = obtain_code(browser, web_app)
    web_app.grant_types = [GrantType.CLIENT_CREDENTIALS]
    web_app.save()

    response = exchange_code(client, web_app, code, verifier)

    assert response.status_code == 400
    assert response.json()["error"] == "unauthorized_client"


def test_client_without_refresh_grant_gets_no_refresh_token(browser, client):
    app = ApplicationFactory(grant_types=[GrantType.AUTHORIZATION_CODE])
    code, verifier = obtain_code(browser, app)

    response = exchange_code(client, app, code, verifier)

    assert response.status_code == 200, response.content
    assert "refresh_token" not in response.json()
    assert "access_token" in response.json()


def test_refresh_after_admin_removed_the_refresh_grant_is_unauthorized_client(browser, client, web_app):
    code, verifier = obtain_code(browser, web_app)
    refresh_token = exchange_code(client, web_app, code, verifier).json()["refresh_token"]
    web_app.grant_types = [GrantType.AUTHORIZATION_CODE]
    web_app.save()

    response = client.post(
        reverse("oauth2_provider:token"),
        {"grant_type": "refresh_token", "refresh_token": refresh_token},
        **basic_auth(web_app.client_id),
    )

    assert response.status_code == 400
    assert response.json()["error"] == "unauthorized_client"


def test_authorize_endpoint_refuses_a_client_without_the_code_grant(browser):
    app = MachineApplicationFactory(redirect_uris="https://machine.example.test/callback")
    _, challenge = pkce_pair()
    params = {
        "response_type": "code",
        "client_id": app.client_id,
        "redirect_uri": "https://machine.example.test/callback",
        "scope": "users:read",
        "state": "state-9",
        "code_challenge": challenge,
        "code_challenge_method": "S256",
    }

    response = browser.get(reverse("oauth2_provider:authorize"), params)

    assert response.status_code == 302
    query = redirect_query(response)
    assert response["Location"].startswith("https://machine.example.test/callback?")
    assert query["error"] == "unauthorized_client"
    assert query["state"] == "state-9"


def test_authorize_endpoint_never_redirects_for_a_client_without_redirect_uris(browser, machine_app):
    _, challenge = pkce_pair()
    params = {
        "response_type": "code",
        "client_id": machine_app.client_id,
        "redirect_uri": "https://attacker.example.test/callback",
        "scope": "users:read",
        "code_challenge": challenge,
        "code_challenge_method": "S256",
    }

    response = browser.get(reverse("oauth2_provider:authorize"), params)

    assert response.status_code == 400
    assert "Location" not in response


def test_device_authorization_refuses_a_client_without_the_device_grant(client):
    app = PublicApplicationFactory(grant_types=[GrantType.AUTHORIZATION_CODE])

    response = device_authorization(client, client_id=app.client_id)

    assert response.status_code == 400
    assert response.json()["error"] == "unauthorized_client"
    assert "device_code" not in response.json()


def test_device_authorization_refuses_a_confidential_client_without_the_device_grant(client, machine_app):
    response = device_authorization(client, client_id=machine_app.client_id, client_secret=CLIENT_SECRET)

    assert response.status_code == 400
    assert response.json()["error"] == "unauthorized_client"


def test_device_authorization_serves_a_client_with_the_device_grant(client):
    app = PublicApplicationFactory(grant_types=[GrantType.DEVICE_CODE], redirect_uris="")

    response = device_authorization(client, client_id=app.client_id, scope="openid")

    assert response.status_code == 200, response.content
    assert {"device_code", "user_code", "verification_uri"} <= response.json().keys()


def test_password_grant_is_refused_to_a_client_not_given_it(client, machine_app, user):
    response = client.post(
        reverse("oauth2_provider:token"),
        {"grant_type": "password", "username": "alice", "password": USER_PASSWORD},
        **basic_auth(machine_app.client_id),
    )

    assert response.status_code == 400
    assert response.json()["error"] == "unauthorized_client"


def test_password_grant_works_only_for_a_client_an_admin_opted_in(client, user):
    legacy = MachineApplicationFactory(grant_types=[GrantType.PASSWORD], allowed_scopes=["profile"])

    response = client.post(
        reverse("oauth2_provider:token"),
        {"grant_type": "password", "username": "alice", "password": USER_PASSWORD, "scope": "profile"},
        **basic_auth(legacy.client_id),
    )

    assert response.status_code == 200, response.content
    assert response.json()["scope"] == "profile"
