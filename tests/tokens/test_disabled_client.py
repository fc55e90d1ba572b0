"""A disabled or deleted client can do nothing, and the tokens it held stop working at once."""

import pytest
from django.urls import reverse
from oauth2_provider.models import get_access_token_model, get_refresh_token_model

from clients.models import Application
from tests.flows import authorize_params, exchange_code, obtain_code, pkce_pair, tokens_for
from tests.tokens.probes import access_token_works, refresh, refresh_token_live

pytestmark = pytest.mark.django_db


@pytest.fixture
def issued(browser, client, web_app) -> dict:
    """A token response the web client holds for the signed-in user."""
    return tokens_for(browser, client, web_app)


def admin_change_form(admin_client, app: Application, **overrides) -> dict:
    """The POST body of the client's admin change page as a browser submits it, inlines included."""
    page = admin_client.get(reverse("admin:clients_application_change", args=[app.pk]))
    form = {
        "name": app.name,
        "client_type": app.client_type,
        "grant_types": app.grant_types,
        "allowed_scopes": app.allowed_scopes,
        "redirect_uris": app.redirect_uris,
        "post_logout_redirect_uris": app.post_logout_redirect_uris,
        "allowed_origins": app.allowed_origins,
        "algorithm": app.algorithm,
        "user": "",
        "is_active": "on",
        **overrides,
    }
    for inline in page.context["inline_admin_formsets"]:
        management = inline.formset.management_form
        form.update({management.add_prefix(name): value for name, value in management.initial.items()})
    return form


def test_unticking_active_in_admin_revokes_the_clients_tokens(admin_client, client, web_app, issued):
    form = admin_change_form(admin_client, web_app)
    del form["is_active"]  # an unticked checkbox is not submitted

    response = admin_client.post(reverse("admin:clients_application_change", args=[web_app.pk]), form)

    assert response.status_code == 302, response.context["errors"] if response.context else ""
    web_app.refresh_from_db()
    assert not web_app.is_active
    assert not access_token_works(client, issued["access_token"])
    assert not refresh_token_live(issued["refresh_token"])


def test_a_disabled_client_cannot_authenticate_at_the_token_endpoint(client, web_app, issued):
    Application.objects.filter(pk=web_app.pk).update(is_active=False)

    response = refresh(client, web_app, issued["refresh_token"])

    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"


def test_tokens_of_a_client_disabled_behind_our_back_are_refused(client, web_app, issued):
    # A bulk update sends no signal: the rows survive, but DOT asks Application.is_usable for every token.
    Application.objects.filter(pk=web_app.pk).update(is_active=False)

    assert get_access_token_model().objects.exists()
    assert not access_token_works(client, issued["access_token"])


def test_a_disabled_client_cannot_start_an_authorization(browser, web_app):
    Application.objects.filter(pk=web_app.pk).update(is_active=False)
    _, challenge = pkce_pair()

    response = browser.get(reverse("oauth2_provider:authorize"), authorize_params(web_app, challenge=challenge))

    assert response.status_code == 400
    assert "Location" not in response


def test_reenabling_a_client_does_not_bring_its_tokens_back(client, web_app, issued):
    web_app.is_active = False
    web_app.save()
    web_app.is_active = True
    web_app.save()

    assert not access_token_works(client, issued["access_token"])
    assert refresh(client, web_app, issued["refresh_token"]).json()["error"] == "invalid_grant"


def test_an_active_client_keeps_its_tokens_when_edited(client, web_app, issued):
    web_app.name = "Renamed"
    web_app.save()

    assert access_token_works(client, issued["access_token"])


def test_deleting_a_client_deletes_its_tokens(client, web_app, issued):
    web_app.delete()

    assert not get_access_token_model().objects.exists()
    assert not get_refresh_token_model().objects.exists()
    assert not access_token_works(client, issued["access_token"])


def test_a_code_of_a_client_disabled_in_flight_buys_nothing(browser, client, web_app):
    code, verifier = obtain_code(browser, web_app)
    web_app.is_active = False
    web_app.save()

    assert exchange_code(client, web_app, code, verifier).status_code == 401
