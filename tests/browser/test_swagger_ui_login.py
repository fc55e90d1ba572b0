"""Swagger UI at /api/docs/ signs in through the real login and consent pages as demo-spa, then calls the API."""

import pytest
from playwright.sync_api import expect

from clients.models import Application
from demo.management.commands.seed_demo import ALL_USER_SCOPES
from tests.browser.pages import consent_scopes, sign_in
from tests.factories import CLIENT_SECRET, MachineApplicationFactory, PublicApplicationFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def docs_client_app(db, provider_url: str) -> Application:
    """The public PKCE client Swagger UI signs in as, registered as ``seed_demo`` makes demo-spa."""
    return PublicApplicationFactory(
        client_id="demo-spa",
        name="Demo public app (PKCE)",
        allowed_scopes=ALL_USER_SCOPES,
        redirect_uris=f"{provider_url}/api/docs/oauth2-redirect.html",
    )


def test_swagger_ui_signs_in_with_pkce_and_calls_me_with_the_bearer_token(page, provider_url, alice, docs_client_app):
    problems: list[str] = []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.goto(f"{provider_url}/api/docs/")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Django IdP resource API")

    page.get_by_role("button", name="Authorize").first.click()
    code_flow = page.locator(".modal-ux .auth-container").first
    expect(code_flow.locator("#client_id_authorizationCode")).to_have_value("demo-spa")
    # Nothing is pre-selected (a pre-selection would apply to the client-credentials flow too): tick what to ask.
    for scope in ("openid", "profile", "notes:read"):
        code_flow.locator(f"label[for='{scope}-authorizationCode-checkbox-oauth2']").click()
    with page.expect_popup() as popup_info:
        code_flow.locator("button.authorize").click()
    popup = popup_info.value
    sign_in(popup, "alice")
    assert consent_scopes(popup) == ["openid", "profile", "notes:read"]
    with popup.expect_event("close"):
        popup.get_by_role("button", name="Allow").click()
    expect(code_flow.get_by_role("heading", name="Authorized")).to_be_visible()
    page.locator(".modal-ux button.close-modal").click()

    me = page.locator("#operations-me-me_retrieve")
    me.locator(".opblock-summary").click()
    me.get_by_role("button", name="Try it out").click()
    me.get_by_role("button", name="Execute").click()

    result = me.locator(".live-responses-table .response")
    expect(result.locator(".response-col_status")).to_have_text("200")
    expect(result.locator(".microlight").first).to_contain_text('"username": "alice"')
    # The docs ran under the site's CSP (script-src 'self', no inline code) without a single violation.
    assert not [text for text in problems if "Content Security Policy" in text]


def test_swagger_ui_client_credentials_offers_only_machine_scopes_and_gets_a_token(page, provider_url, db):
    MachineApplicationFactory(client_id="demo-machine", allowed_scopes=["users:read"])
    page.goto(f"{provider_url}/api/docs/")
    page.get_by_role("button", name="Authorize").first.click()
    machine_flow = page.locator(".modal-ux .auth-container").nth(1)

    offered = machine_flow.locator("input[type=checkbox]").evaluate_all("boxes => boxes.map(box => box.id)")
    assert offered == ["users:read-clientCredentials-checkbox-oauth2"]
    assert not machine_flow.locator("input[type=checkbox]:checked").count()
    machine_flow.locator("#client_id_clientCredentials").fill("demo-machine")
    machine_flow.locator("#client_secret_clientCredentials").fill(CLIENT_SECRET)
    machine_flow.locator("label[for='users:read-clientCredentials-checkbox-oauth2']").click()
    with page.expect_response(lambda response: response.url.endswith("/o/token/")) as token_response:
        machine_flow.locator("button.authorize").click()

    assert token_response.value.status == 200
    assert token_response.value.json()["scope"] == "users:read"
    expect(machine_flow.get_by_role("heading", name="Authorized")).to_be_visible()
