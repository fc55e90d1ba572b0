"""The provider's public URL paths are a contract with every client: pin them, and what is not mounted."""

import pytest
from django.urls import reverse

from clients.models import Application

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("url_name", "kwargs", "path"),
    [
        ("oauth2_provider:authorize", {}, "/o/authorize/"),
        ("oauth2_provider:pushed-authorization", {}, "/o/par/"),
        ("oauth2_provider:token", {}, "/o/token/"),
        ("oauth2_provider:revoke-token", {}, "/o/revoke_token/"),
        ("oauth2_provider:introspect", {}, "/o/introspect/"),
        ("oauth2_provider:device-authorization", {}, "/o/device-authorization/"),
        ("oauth2_provider:device", {}, "/o/device/"),
        (
            "oauth2_provider:device-confirm",
            {"client_id": "tv", "user_code": "ABCD1234"},
            "/o/device-confirm/tv/ABCD1234",
        ),
        (
            "oauth2_provider:device-grant-status",
            {"client_id": "tv", "user_code": "ABCD1234"},
            "/o/device-grant-status/tv/ABCD1234",
        ),
        ("oauth2_provider:user-info", {}, "/o/userinfo/"),
        ("oauth2_provider:rp-initiated-logout", {}, "/o/logout/"),
        ("oauth2_provider:jwks-info", {}, "/o/.well-known/jwks.json"),
        ("oauth2_provider:oidc-connect-discovery-info", {}, "/.well-known/openid-configuration"),
        ("oauth2_provider:oauth-server-metadata", {}, "/.well-known/oauth-authorization-server"),
        ("login", {}, "/accounts/login/"),
        ("logout", {}, "/accounts/logout/"),
        ("password_change", {}, "/accounts/password_change/"),
        ("password_change_done", {}, "/accounts/password_change/done/"),
        ("password_reset", {}, "/accounts/password_reset/"),
        ("password_reset_done", {}, "/accounts/password_reset/done/"),
        ("password_reset_confirm", {"uidb64": "MQ", "token": "set-password"}, "/accounts/reset/MQ/set-password/"),
        ("password_reset_complete", {}, "/accounts/reset/done/"),
        ("email-address", {}, "/accounts/email/"),
        ("email-verification-send", {}, "/accounts/email/verify/"),
        ("email-verification-sent", {}, "/accounts/email/verify/sent/"),
        ("email-verified", {}, "/accounts/email/verify/done/"),
        ("email-verify", {"token": "abc:def:ghi"}, "/accounts/email/verify/abc:def:ghi/"),
        ("admin:index", {}, "/admin/"),
        ("home", {}, "/"),
        ("health:live", {}, "/health/live"),
        ("health:ready", {}, "/health/ready"),
        ("metrics", {}, "/metrics"),
        ("language", {"language": "fr"}, "/language/fr/"),
    ],
)
def test_public_path(url_name, kwargs, path):
    assert reverse(url_name, kwargs=kwargs) == path


@pytest.mark.parametrize(
    "path",
    [
        "/.well-known/openid-configuration",
        "/.well-known/oauth-authorization-server",
        "/o/.well-known/jwks.json",
        "/health/live",
        "/health/ready",
    ],
)
def test_discovery_documents_and_health_probes_are_served_anonymously(client, path):
    response = client.get(path)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"


@pytest.mark.parametrize(
    "path",
    [
        # DOT's self-service client registration and management: clients are admin-managed only.
        "/o/applications/",
        "/o/applications/register/",
        "/o/applications/1/",
        "/o/applications/1/update/",
        "/o/applications/1/delete/",
        "/o/authorized_tokens/",
        # Dynamic client registration (RFC 7591) is not offered either.
        "/o/register/",
        # Discovery lives at the origin only, so there is exactly one issuer.
        "/o/.well-known/openid-configuration",
        "/o/.well-known/oauth-authorization-server",
    ],
)
def test_self_service_registration_is_not_mounted_even_for_a_signed_in_user(browser, path):
    assert browser.get(path).status_code == 404
    assert browser.post(path, {"name": "Mine", "client_type": "public"}).status_code == 404


def test_a_signed_in_user_cannot_register_a_client_anywhere(browser):
    for path in ("/o/applications/register/", "/o/register/", "/admin/clients/application/add/"):
        browser.post(path, {"name": "Sneaky", "client_type": "confidential", "redirect_uris": "https://x.test/cb"})

    assert not Application.objects.filter(name="Sneaky").exists()
