"""Registering clients through the real admin pages: redirect URI rules, the secret shown once, tokens masked."""

import pytest
from django.urls import reverse
from oauth2_provider.models import get_access_token_model, get_refresh_token_model

from clients.models import Application, GrantType
from tests.factories import AccessTokenFactory
from tests.flows import basic_auth, token_request, tokens_for

pytestmark = pytest.mark.django_db

ADD_URL = reverse("admin:clients_application_add")


def admin_form(**overrides) -> dict:
    """The add-client form as a browser submits it: a confidential web app."""
    return {
        "name": "Partner portal",
        "client_type": Application.CLIENT_CONFIDENTIAL,
        "grant_types": [GrantType.AUTHORIZATION_CODE, GrantType.REFRESH_TOKEN],
        "allowed_scopes": ["openid", "profile"],
        "redirect_uris": "https://portal.example.test/callback",
        "post_logout_redirect_uris": "",
        "allowed_origins": "",
        "algorithm": Application.RS256_ALGORITHM,
        "is_active": "on",
        "user": "",
        **overrides,
    }


def field_errors(response, field: str) -> list[str]:
    assert response.status_code == 200
    return list(response.context["adminform"].form.errors.get(field, []))


@pytest.mark.parametrize(
    ("uri", "client_type", "expected"),
    [
        ("http://portal.example.test/callback", "confidential", "plain http is only allowed on a loopback host"),
        ("http://127.0.0.1:8765/callback", "confidential", "only allowed for public (native) clients"),
        ("http://localhost/callback", "confidential", "only allowed for public (native) clients"),
        ("https://portal.example.test/callback#frag", "confidential", "must not contain a fragment"),
        ("https://*.example.test/callback", "confidential", "must not contain wildcards"),
        ("https://portal.example.test/*", "confidential", "must not contain wildcards"),
        ("javascript:alert(1)", "confidential", "must use https"),
        ("data:text/html,hello", "confidential", "must use https"),
        ("https://user:pass@portal.example.test/callback", "confidential", "must not contain user information"),
        ("https://evil.test@portal.example.test/callback", "confidential", "must not contain user information"),
        ("https://portal.example.test/a/../callback", "confidential", "'..' path segments"),
        ("https://portal.example.test/call back", "confidential", "back must use https"),
        ("ftp://portal.example.test/callback", "confidential", "must use https"),
        ("/callback", "confidential", "must use https"),
        ("http://evil.example.test/callback", "public", "plain http is only allowed on a loopback host"),
    ],
)
def test_a_bad_redirect_uri_is_a_clear_field_error(admin_client, uri, client_type, expected):
    # A space separates URIs, so "call back" reaches the rules as ".../call" and "back", and "back" fails.
    response = admin_client.post(ADD_URL, admin_form(redirect_uris=uri, client_type=client_type))

    errors = field_errors(response, "redirect_uris")
    assert errors, response.context["adminform"].form.errors
    assert any(expected in error for error in errors), errors
    assert not Application.objects.filter(name="Partner portal").exists()


def test_a_space_separated_list_is_checked_uri_by_uri(admin_client):
    uris = "https://portal.example.test/callback https://portal.example.test/cb#x"

    response = admin_client.post(ADD_URL, admin_form(redirect_uris=uris))

    errors = field_errors(response, "redirect_uris")
    assert len(errors) == 1
    assert "https://portal.example.test/cb#x" in errors[0]


def test_a_bad_post_logout_uri_is_a_field_error_too(admin_client):
    response = admin_client.post(ADD_URL, admin_form(post_logout_redirect_uris="javascript:alert(1)"))

    assert field_errors(response, "post_logout_redirect_uris")


def test_the_code_grant_without_a_redirect_uri_is_refused(admin_client):
    response = admin_client.post(ADD_URL, admin_form(redirect_uris=""))

    assert any("at least one redirect URI" in error for error in field_errors(response, "redirect_uris"))


def test_the_error_is_shown_next_to_the_field(admin_client):
    response = admin_client.post(ADD_URL, admin_form(redirect_uris="https://portal.example.test/cb#frag"))

    html = response.content.decode()
    assert "errornote" in html
    assert "must not contain a fragment (#)" in html


@pytest.mark.parametrize(
    ("uri", "client_type"),
    [
        ("https://portal.example.test/callback", "confidential"),
        ("https://portal.example.test:8443/oauth/callback?tenant=1", "confidential"),
        ("http://127.0.0.1:8765/callback", "public"),
        ("http://[::1]:8765/callback", "public"),
    ],
)
def test_a_good_redirect_uri_is_accepted(admin_client, uri, client_type):
    response = admin_client.post(ADD_URL, admin_form(redirect_uris=uri, client_type=client_type))

    assert response.status_code == 200
    assert "adminform" not in response.context
    assert Application.objects.get(name="Partner portal").redirect_uris == uri


def test_the_plain_secret_is_shown_exactly_once_after_creation(admin_client):
    response = admin_client.post(ADD_URL, admin_form())

    app = Application.objects.get(name="Partner portal")
    secret = response.context["client_secret"]
    html = response.content.decode()
    assert len(secret) >= 64
    assert html.count(secret) == 1
    assert app.client_id in html
    assert "will never be shown again" in html
    assert "no-store" in response["Cache-Control"]


def test_the_secret_is_stored_hashed_with_the_client_secret_hasher(admin_client):
    response = admin_client.post(ADD_URL, admin_form())

    app = Application.objects.get(name="Partner portal")
    assert app.client_secret.startswith("client_secret_sha256$")
    assert response.context["client_secret"] not in app.client_secret


def test_the_shown_secret_works_at_the_token_endpoint(admin_client, client):
    form = admin_form(grant_types=[GrantType.CLIENT_CREDENTIALS], redirect_uris="", allowed_scopes=["users:read"])
    secret = admin_client.post(ADD_URL, form).context["client_secret"]
    app = Application.objects.get(name="Partner portal")

    response = client.post(
        reverse("oauth2_provider:token"),
        {"grant_type": "client_credentials", "client_id": app.client_id, "client_secret": secret},
    )

    assert response.status_code == 200, response.content


def test_the_change_page_never_shows_the_secret_or_its_hash(admin_client):
    secret = admin_client.post(ADD_URL, admin_form()).context["client_secret"]
    app = Application.objects.get(name="Partner portal")

    page = admin_client.get(reverse("admin:clients_application_change", args=[app.pk]))

    html = page.content.decode()
    assert page.status_code == 200
    assert secret not in html
    assert app.client_secret not in html
    assert app.client_secret.split("$")[-1] not in html
    assert 'name="client_secret"' not in html


def test_a_public_client_gets_no_secret_and_none_authenticates_it(admin_client, client):
    response = admin_client.post(
        ADD_URL, admin_form(client_type=Application.CLIENT_PUBLIC, redirect_uris="http://127.0.0.1:8765/cb")
    )
    app = Application.objects.get(name="Partner portal")

    assert response.context["client_secret"] == ""
    assert "a public client authenticates with PKCE only" in response.content.decode()
    refused = client.post(
        reverse("oauth2_provider:token"),
        {"grant_type": "client_credentials"},
        **basic_auth(app.client_id, ""),
    )
    assert refused.status_code == 401


def test_editing_a_client_keeps_its_secret(admin_client, web_app):
    before = Application.objects.get(pk=web_app.pk).client_secret
    form = admin_form(name=web_app.name, redirect_uris="https://client.example.test/new-callback")

    response = admin_client.post(reverse("admin:clients_application_change", args=[web_app.pk]), form)

    assert response.status_code == 302
    web_app.refresh_from_db()
    assert web_app.client_secret == before
    assert web_app.redirect_uris == "https://client.example.test/new-callback"


def test_the_change_page_validates_redirect_uris_too(admin_client, web_app):
    form = admin_form(name=web_app.name, redirect_uris="http://client.example.test/callback")

    response = admin_client.post(reverse("admin:clients_application_change", args=[web_app.pk]), form)

    assert field_errors(response, "redirect_uris")
    web_app.refresh_from_db()
    assert web_app.redirect_uris == "https://client.example.test/callback"


def test_the_access_token_list_shows_masked_tokens_only(admin_client, browser, client, web_app):
    tokens = tokens_for(browser, client, web_app)

    page = admin_client.get(reverse("admin:oauth2_provider_accesstoken_changelist"))

    html = page.content.decode()
    assert page.status_code == 200
    assert tokens["access_token"] not in html
    stored = get_access_token_model().objects.get(application=web_app)
    assert f"sha256:{stored.token_checksum[:8]}" in html
    assert stored.token_checksum not in html


def test_the_refresh_token_list_shows_masked_tokens_only(admin_client, browser, client, web_app):
    tokens = tokens_for(browser, client, web_app)

    page = admin_client.get(reverse("admin:oauth2_provider_refreshtoken_changelist"))

    assert page.status_code == 200
    assert tokens["refresh_token"] not in page.content.decode()


def test_the_revoke_action_revokes_access_tokens(admin_client, client):
    token = AccessTokenFactory()

    response = admin_client.post(
        reverse("admin:oauth2_provider_accesstoken_changelist"),
        {"action": "revoke_tokens", "_selected_action": [token.pk]},
    )

    assert response.status_code == 302
    assert not get_access_token_model().objects.filter(pk=token.pk).exists()
    userinfo = client.get(reverse("oauth2_provider:user-info"), HTTP_AUTHORIZATION=f"Bearer {token.raw_token}")
    assert userinfo.status_code == 401


def test_the_revoke_action_revokes_refresh_tokens_and_their_access_tokens(admin_client, browser, client, web_app):
    tokens = tokens_for(browser, client, web_app)
    refresh_token = get_refresh_token_model().objects.get(application=web_app)

    admin_client.post(
        reverse("admin:oauth2_provider_refreshtoken_changelist"),
        {"action": "revoke_tokens", "_selected_action": [refresh_token.pk]},
    )

    refresh_token.refresh_from_db()
    assert refresh_token.revoked is not None
    refreshed = token_request(
        client, web_app, {"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]}
    )
    assert refreshed.status_code == 400
    assert refreshed.json()["error"] == "invalid_grant"
    assert not get_access_token_model().objects.filter(application=web_app).exists()


def test_tokens_cannot_be_added_or_edited_by_hand(admin_client):
    token = AccessTokenFactory()

    assert admin_client.get(reverse("admin:oauth2_provider_accesstoken_add")).status_code == 403
    change = admin_client.post(reverse("admin:oauth2_provider_accesstoken_change", args=[token.pk]), {"scope": "x"})
    assert change.status_code == 403


def test_a_non_staff_user_cannot_open_the_client_admin(browser):
    response = browser.get(ADD_URL)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_an_admin_gives_a_client_a_refresh_retry_window_of_at_most_a_minute(admin_client):
    too_long = admin_client.post(ADD_URL, admin_form(refresh_token_retry_seconds="61"))
    assert field_errors(too_long, "refresh_token_retry_seconds")
    assert not Application.objects.filter(name="Partner portal").exists()

    admin_client.post(ADD_URL, admin_form(refresh_token_retry_seconds="10"))

    assert Application.objects.get(name="Partner portal").refresh_token_retry_seconds == 10


def test_a_client_added_without_the_field_has_no_retry_window(admin_client):
    admin_client.post(ADD_URL, admin_form())

    assert Application.objects.get(name="Partner portal").refresh_token_retry_seconds == 0
