"""The client admin in a real browser at 1280 px: kinds fill the form, the secret page copies and fits, lists fit."""

import pytest
from playwright.sync_api import Page, expect

from accounts.models import User
from clients.models import Application
from demo.management.commands.seed_demo import ALL_USER_SCOPES
from tests.browser.conftest import REPO_DIR
from tests.factories import USER_PASSWORD, AccessTokenFactory, ApplicationFactory, UserFactory

pytestmark = pytest.mark.browser

SCREENSHOTS = REPO_DIR / "docs" / "screenshots"


@pytest.fixture
def admin_user(db) -> User:
    return UserFactory(username="admin", is_staff=True, is_superuser=True)


def sign_in_to_admin(page: Page, provider_url: str, path: str) -> None:
    page.goto(f"{provider_url}/admin/login/?next={path}")
    page.fill("#id_username", "admin")
    page.fill("#id_password", USER_PASSWORD)
    page.click("input[type=submit]")


def checked(page: Page, name: str) -> list[str]:
    return page.eval_on_selector_all(f"input[name={name}]:checked", "boxes => boxes.map(box => box.value)")


def overflow(page: Page, selector: str) -> int:
    """How many pixels the element's content is wider than what it shows (0: nothing hidden sideways)."""
    return page.eval_on_selector(selector, "element => element.scrollWidth - element.clientWidth")


def test_choosing_a_kind_fills_in_the_form_and_every_field_stays_editable(page, provider_url, admin_user):
    sign_in_to_admin(page, provider_url, "/admin/clients/application/add/")
    expect(page.locator("#id_kind")).to_have_value("web")
    expect(page.locator("#id_algorithm")).to_have_value("RS256")
    page.screenshot(path=SCREENSHOTS / "admin-client-add.png", full_page=True)

    page.select_option("#id_kind", "machine")
    assert page.locator("input[name=client_type][value=confidential]").is_checked()
    assert checked(page, "grant_types") == ["client-credentials"]
    assert checked(page, "allowed_scopes") == []
    expect(page.locator("#id_algorithm")).to_have_value("")

    page.select_option("#id_kind", "spa-native")
    assert page.locator("input[name=client_type][value=public]").is_checked()
    assert checked(page, "allowed_scopes") == ["openid", "profile", "email"]
    expect(page.locator("#id_algorithm")).to_have_value("RS256")

    page.locator("input[name=allowed_scopes][value=notes\\:read]").check()
    page.select_option("#id_kind", "custom")
    assert checked(page, "allowed_scopes") == ["openid", "profile", "email", "notes:read"]


def test_the_new_secret_wraps_within_the_page_and_its_copy_button_copies_it(page, provider_url, admin_user):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=provider_url)
    sign_in_to_admin(page, provider_url, "/admin/clients/application/add/")
    page.fill("#id_name", "Shop")
    page.fill("#id_redirect_uris", "https://shop.example.com/callback")
    page.click("input[name=_save]")

    secret = page.locator("#client-secret")
    expect(secret).to_be_visible()
    assert len(secret.inner_text().strip()) == 128
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    assert secret.bounding_box()["x"] + secret.bounding_box()["width"] <= 1280
    page.screenshot(path=SCREENSHOTS / "admin-client-created.png")
    page.locator("button[data-copy-target=client-secret]").click()
    expect(page.locator("button[data-copy-target=client-secret]")).to_have_text("Copied")
    assert page.evaluate("navigator.clipboard.readText()") == secret.inner_text().strip()
    assert Application.objects.get(name="Shop").algorithm == Application.RS256_ALGORITHM


@pytest.mark.parametrize(
    ("path", "screenshot"),
    [
        ("/admin/oauth2_provider/accesstoken/", "admin-access-tokens"),
        ("/admin/audit/auditevent/", "admin-audit-events"),
        ("/admin/clients/application/", "admin-clients"),
    ],
)
def test_the_admin_lists_show_every_column_at_1280_px(page, provider_url, admin_user, path, screenshot):
    clients = [ApplicationFactory(name=f"Partner app {n}", allowed_scopes=ALL_USER_SCOPES) for n in range(3)]
    for client in clients:
        AccessTokenFactory(user=admin_user, application=client, scope=" ".join(ALL_USER_SCOPES))
    # Client changes are audited through the admin itself: real events with details, as operators see them.
    sign_in_to_admin(page, provider_url, f"/admin/clients/application/{clients[0].pk}/change/")
    page.fill("#id_name", "Partner app, renamed")
    page.click("input[name=_save]")

    page.goto(f"{provider_url}{path}")

    assert overflow(page, "#changelist .results") == 0
    page.screenshot(path=SCREENSHOTS / f"{screenshot}.png")
