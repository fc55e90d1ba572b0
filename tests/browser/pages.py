"""What a person does in the browser, step by step: shared by the browser tests (and their fixtures)."""

import re

from playwright.sync_api import Page, expect

from tests.factories import USER_PASSWORD

__all__ = ["USER_PASSWORD", "consent_scopes", "sign_in", "start_login_at_webclient", "webclient_path"]


def start_login_at_webclient(page: Page, webclient_url: str) -> None:
    """Open the web client's home page and press its "Log in with Django IdP" button."""
    page.goto(f"{webclient_url}/")
    page.get_by_role("button", name="Log in with Django IdP").click()


def sign_in(page: Page, username: str, password: str = USER_PASSWORD) -> None:
    """Fill in and submit the provider's sign-in form (the page must be showing it)."""
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in", exact=True).click()


def consent_scopes(page: Page) -> list[str]:
    """The scope names listed on the provider's consent page, in order."""
    expect(page.locator("#authorizationForm")).to_be_visible()
    return [name.strip() for name in page.locator(".scopes .scope-name").all_inner_texts()]


def webclient_path(webclient_url: str, path: str = "/") -> re.Pattern:
    """A URL pattern for one of the web client's pages, ignoring the query string."""
    return re.compile(re.escape(f"{webclient_url}{path}") + r"(\?.*)?$")
