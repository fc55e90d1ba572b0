"""Allowed scopes per client, chosen in admin from the declared scopes; anything else is invalid_scope."""

from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.urls import reverse

from clients.models import Application, GrantType
from tests.factories import ApplicationFactory, MachineApplicationFactory, PublicApplicationFactory
from tests.flows import authorize_params, basic_auth, exchange_code, obtain_code, pkce_pair, redirect_query

pytestmark = pytest.mark.django_db


def client_credentials(http, app, **data):
    return http.post(
        reverse("oauth2_provider:token"), {"grant_type": "client_credentials", **data}, **basic_auth(app.client_id)
    )


def refresh(http, app, refresh_token: str, **data):
    return http.post(
        reverse("oauth2_provider:token"),
        {"grant_type": "refresh_token", "refresh_token": refresh_token, **data},
        **basic_auth(app.client_id),
    )


def test_admin_offers_every_declared_scope_with_its_description(admin_client, web_app):
    response = admin_client.get(reverse("admin:clients_application_change", args=[web_app.pk]))

    page = response.content.decode()
    for scope, description in settings.OAUTH2_PROVIDER["SCOPES"].items():
        assert f'name="allowed_scopes" value="{scope}"' in page
        assert description in page


def test_admin_saves_the_chosen_scopes(admin_client, web_app):
    form = {
        "name": web_app.name,
        "client_type": web_app.client_type,
        "grant_types": web_app.grant_types,
        "allowed_scopes": ["openid", "email"],
        "redirect_uris": web_app.redirect_uris,
        "post_logout_redirect_uris": web_app.post_logout_redirect_uris,
        "allowed_origins": "",
        "algorithm": web_app.algorithm,
        "user": "",
    }

    response = admin_client.post(reverse("admin:clients_application_change", args=[web_app.pk]), form)

    assert response.status_code == 302, response.context["adminform"].form.errors
    web_app.refresh_from_db()
    assert web_app.allowed_scopes == ["openid", "email"]


def test_admin_refuses_an_undeclared_scope(admin_client, web_app):
    form = {
        "name": web_app.name,
        "client_type": web_app.client_type,
        "grant_types": web_app.grant_types,
        "allowed_scopes": ["openid", "admin:everything"],
        "redirect_uris": web_app.redirect_uris,
        "post_logout_redirect_uris": "",
        "allowed_origins": "",
        "algorithm": web_app.algorithm,
        "user": "",
    }

    response = admin_client.post(reverse("admin:clients_application_change", args=[web_app.pk]), form)

    assert response.status_code == 200
    assert "allowed_scopes" in response.context["adminform"].form.errors
    web_app.refresh_from_db()
    assert "admin:everything" not in web_app.allowed_scopes


def test_model_validation_names_undeclared_scopes():
    app = Application(
        name="x",
        client_type=Application.CLIENT_CONFIDENTIAL,
        grant_types=[GrantType.CLIENT_CREDENTIALS],
        allowed_scopes=["users:read", "root"],
    )

    with pytest.raises(Exception, match="Undeclared scopes: root"):
        app.full_clean(exclude=["client_secret", "client_id"])


def test_authorize_for_a_scope_the_client_was_not_given_redirects_invalid_scope(browser, web_app):
    _, challenge = pkce_pair()

    response = browser.get(
        reverse("oauth2_provider:authorize"), authorize_params(web_app, challenge=challenge, scope="openid users:read")
    )

    assert response.status_code == 302
    query = redirect_query(response)
    assert query["error"] == "invalid_scope"
    assert query["state"] == "state-123"


def test_authorize_for_an_undeclared_scope_redirects_invalid_scope(browser, web_app):
    _, challenge = pkce_pair()

    response = browser.get(
        reverse("oauth2_provider:authorize"), authorize_params(web_app, challenge=challenge, scope="openid root")
    )

    assert redirect_query(response)["error"] == "invalid_scope"


def test_authorize_without_scope_asks_only_for_allowed_defaults(browser, client):
    app = ApplicationFactory(allowed_scopes=["openid", "profile"])
    _, challenge = pkce_pair()
    params = authorize_params(app, challenge=challenge)
    del params["scope"]

    page = browser.get(reverse("oauth2_provider:authorize"), params)

    assert page.status_code == 200
    assert page.context["scopes"] == ["openid"]


def test_client_credentials_without_scope_gets_every_allowed_scope_and_nothing_else(client):
    app = MachineApplicationFactory(allowed_scopes=["users:read", "notes:read"])

    response = client_credentials(client, app)

    assert response.status_code == 200, response.content
    assert sorted(response.json()["scope"].split()) == ["notes:read", "users:read"]


def test_client_credentials_for_a_subset_gets_the_subset(client):
    app = MachineApplicationFactory(allowed_scopes=["users:read", "notes:read"])

    response = client_credentials(client, app, scope="users:read")

    assert response.status_code == 200
    assert response.json()["scope"] == "users:read"


def test_client_credentials_for_a_scope_not_allowed_is_invalid_scope(client, machine_app):
    response = client_credentials(client, machine_app, scope="users:read notes:write")

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_scope"


def test_client_credentials_for_an_undeclared_scope_is_invalid_scope(client, machine_app):
    response = client_credentials(client, machine_app, scope="root")

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_scope"


def test_device_authorization_for_a_scope_not_allowed_is_invalid_scope(client):
    app = PublicApplicationFactory(grant_types=[GrantType.DEVICE_CODE], redirect_uris="", allowed_scopes=["openid"])

    response = client.post(
        reverse("oauth2_provider:device-authorization"),
        urlencode({"client_id": app.client_id, "scope": "openid notes:write"}),
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_scope"


def test_refresh_cannot_widen_the_original_scopes(browser, client, web_app):
    code, verifier = obtain_code(browser, web_app, scope="openid profile")
    refresh_token = exchange_code(client, web_app, code, verifier).json()["refresh_token"]

    response = refresh(client, web_app, refresh_token, scope="openid profile email")

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_scope"


def test_refresh_drops_a_scope_an_admin_has_since_taken_from_the_client(browser, client, web_app):
    code, verifier = obtain_code(browser, web_app, scope="openid profile email")
    refresh_token = exchange_code(client, web_app, code, verifier).json()["refresh_token"]
    web_app.allowed_scopes = ["openid", "profile"]
    web_app.save()

    response = refresh(client, web_app, refresh_token)

    assert response.status_code == 200, response.content
    assert response.json()["scope"] == "openid profile"


def test_refresh_asking_for_a_scope_an_admin_has_since_taken_is_invalid_scope(browser, client, web_app):
    code, verifier = obtain_code(browser, web_app, scope="openid profile email")
    refresh_token = exchange_code(client, web_app, code, verifier).json()["refresh_token"]
    web_app.allowed_scopes = ["openid", "profile"]
    web_app.save()

    response = refresh(client, web_app, refresh_token, scope="email")

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_scope"


def test_discovery_lists_every_declared_scope(client, machine_app):
    for name in ("oidc-connect-discovery-info", "oauth-server-metadata"):
        response = client.get(reverse(f"oauth2_provider:{name}"))

        assert response.status_code == 200
        assert sorted(response.json()["scopes_supported"]) == sorted(settings.OAUTH2_PROVIDER["SCOPES"])
