"""``python -m demo.screenshots``: photograph the main pages into docs/screenshots/ (needs ``make run`` running).

Drives Debian's headless Chromium (never a downloaded browser) through the web client and the provider as the
demo user would, saving: the provider's sign-in and consent pages, the web client's logged-in page, the device
code page, and the web client's readable error after Deny.
"""

import argparse
import json
import sys
from pathlib import Path

import requests
from playwright.sync_api import Page, expect, sync_playwright

REPO_DIR = Path(__file__).resolve().parent.parent
SCREENSHOTS = REPO_DIR / "docs" / "screenshots"
CREDENTIALS_FILE = REPO_DIR / ".keys" / "demo-credentials.json"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def shoot(page: Page, name: str) -> None:
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=path, full_page=True)
    print(f"  saved {path.relative_to(REPO_DIR)}")


def take_all(page: Page, *, provider_url: str, client_url: str, password: str) -> None:
    # The provider's sign-in page (reached from its "Authorized apps" page, which needs a signed-in user).
    page.goto(f"{provider_url}/accounts/apps/")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    page.get_by_label("Username").fill("alice")
    shoot(page, "provider-sign-in")
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in", exact=True).click()
    # Forget a remembered consent for the web client (e.g. from `make demo`), so the consent page shows.
    forget = page.get_by_role("button", name="Revoke Demo web client")
    if forget.count():
        forget.click()
    # The web client: home, the provider's consent page, Deny -> readable error, then Allow.
    page.goto(f"{client_url}/")
    shoot(page, "webclient-home")
    page.get_by_role("button", name="Log in with Django IdP").click()
    expect(page.locator("#authorizationForm")).to_be_visible()
    shoot(page, "provider-consent")
    page.get_by_role("button", name="Deny").click()
    expect(page.get_by_role("heading", name="Access was not allowed")).to_be_visible()
    shoot(page, "webclient-error-access-denied")
    page.get_by_role("button", name="Log in again").click()
    page.get_by_role("button", name="Allow").click()
    expect(page.get_by_role("heading", name="Logged in as alice")).to_be_visible()
    page.get_by_role("button", name="Call the API: GET /api/me/").click()
    expect(page.locator("#api-result")).to_be_visible()
    shoot(page, "webclient-logged-in")
    # The device flow's code page, with a real user code from the demo TV app.
    started = requests.post(
        f"{provider_url}/o/device-authorization/",
        data={"client_id": "demo-device", "scope": "openid profile"},
        timeout=10,
    )
    started.raise_for_status()
    page.goto(f"{provider_url}/o/device/")
    page.get_by_label("Code").fill(started.json()["user_code"])
    shoot(page, "provider-device-code")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("button", name="Allow")).to_be_visible()
    shoot(page, "provider-device-confirm")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.parse_args()
    if not CREDENTIALS_FILE.exists():
        print("No demo credentials: start `make run` first.", file=sys.stderr)
        return 1
    credentials = json.loads(CREDENTIALS_FILE.read_text())
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1100, "height": 720}, device_scale_factor=1)
        context.set_default_timeout(15_000)
        take_all(
            context.new_page(),
            provider_url=credentials["provider_url"],
            client_url=credentials["client_url"],
            password=credentials["users"]["alice"],
        )
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
