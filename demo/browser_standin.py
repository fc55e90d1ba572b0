"""A requests.Session playing the user's browser on the provider's own pages: sign-in, consent, device code.

The OAuth client side of the demo goes through Authlib; this is only the *person* in the story, filling in the
provider's HTML forms exactly as a browser would submit them (CSRF token included), and saying so.

From a shell it stands in for the person in the documentation's walk-throughs (development only):
``python -m demo.browser_standin authorize URL --user alice --password …`` signs in, presses Allow and prints
where the provider sends the browser back (the client's redirect URI with ``code``, ``state`` and ``iss``);
``python -m demo.browser_standin device USER_CODE …`` approves a device. Narration goes to stderr.
"""

import argparse
import re
import sys
from collections.abc import Callable
from html import unescape
from urllib.parse import parse_qs, urljoin, urlsplit

import requests

from demo.failures import StepFailed
from demo.html_forms import Form, find_form


class BrowserStandIn:
    """The user's browser: keeps the provider's cookies, follows its pages, fills in its forms."""

    def __init__(self, *, username: str, password: str, say: Callable[[str], None]):
        self.username = username
        self.password = password
        self.say = say
        self.http = requests.Session()
        self.http.headers["User-Agent"] = "django-idp-demo (a scripted stand-in for a browser)"

    # AUTHORIZATION CODE
    # --------------------------------------------------------------------------
    def authorize(self, authorization_url: str, *, redirect_uri: str) -> str:
        """Open the authorization URL, sign in and press Allow; return the redirect back to the client."""
        response = self._get(authorization_url)
        response = self._sign_in_if_asked(response)
        if self._is_redirect_to(response, redirect_uri):
            self.say("The provider skipped its consent page (consent remembered or client trusted).")
            return response.headers["Location"]
        if response.status_code != 200:
            raise StepFailed(f"Expected the consent page, got HTTP {response.status_code} at {response.url}.")
        form = self._form(response, "allow", "the consent page")
        heading = _first_heading(response.text)
        scopes = [value for name, value in form.fields if name == "scopes"]
        self.say(f'Consent page: "{heading}"')
        self.say(f"  scopes ticked: {' '.join(scopes)}")
        self.say("  The browser stand-in presses Allow (POST: CSRF token, signed scope list, ticked boxes, allow).")
        response = self._post(form, form.submission(press="allow"))
        if not self._is_redirect_to(response, redirect_uri):
            raise StepFailed(
                f"After Allow the provider should redirect to {redirect_uri}; it answered HTTP {response.status_code}"
                f" {response.headers.get('Location', '')}: {_readable_error(response.text)}"
            )
        return response.headers["Location"]

    # DEVICE FLOW
    # --------------------------------------------------------------------------
    def approve_device(self, verification_uri: str, user_code: str) -> None:
        """Go to the verification page, type the user code, and allow the device."""
        response = self._sign_in_if_asked(self._get(verification_uri))
        form = self._form(response, "user_code", "the device code page")
        self.say(f'Device page: "{_first_heading(response.text)}" — typing the code {user_code}.')
        response = self._follow(self._post(form, form.submission(user_code=user_code)))
        confirm = self._form(response, "action", "the device confirmation page")
        self.say(f'Confirmation page: "{_first_heading(response.text)}" — pressing Allow.')
        response = self._follow(self._post(confirm, confirm.submission(press="action", value="accept")))
        heading = _first_heading(response.text)
        if response.status_code != 200:
            raise StepFailed(f"Approving the device ended with HTTP {response.status_code}: {heading}")
        self.say(f'Result page: "{heading}"')

    # SIGN-IN
    # --------------------------------------------------------------------------
    def _sign_in_if_asked(self, response: requests.Response) -> requests.Response:
        location = response.headers.get("Location", "")
        if not (response.is_redirect and "/login/" in urlsplit(location).path):
            return response
        self.say("Not signed in at the provider yet: it redirects the browser to its sign-in page.")
        page = self._get(urljoin(response.url, location))
        form = self._form(page, "username", "the sign-in page")
        self.say(f"Sign-in page: the browser stand-in types {self.username} and the password, CSRF token included.")
        answer = self._post(form, form.submission(username=self.username, password=self.password))
        if not answer.is_redirect:
            raise StepFailed(f"Sign-in refused (HTTP {answer.status_code}): {_readable_error(answer.text)}")
        self.say("Signed in: the provider sends the browser back to the page it was asked for.")
        return self._get(urljoin(answer.url, answer.headers["Location"]))

    # PLUMBING
    # --------------------------------------------------------------------------
    def _get(self, url: str) -> requests.Response:
        return self.http.get(url, allow_redirects=False, timeout=10)

    def _post(self, form: Form, data: list[tuple[str, str]]) -> requests.Response:
        # A browser sends the page it came from; Django's CSRF check relies on it over HTTPS.
        return self.http.post(
            form.action, data=data, headers={"Referer": form.action}, allow_redirects=False, timeout=10
        )

    def _follow(self, response: requests.Response) -> requests.Response:
        while response.is_redirect:
            response = self._get(urljoin(response.url, response.headers["Location"]))
        return response

    def _form(self, response: requests.Response, field_name: str, what: str) -> Form:
        try:
            return find_form(response.text, response.url, field_name=field_name)
        except LookupError:
            raise StepFailed(
                f"Expected {what} at {response.url} (HTTP {response.status_code}): {_readable_error(response.text)}"
            ) from None

    @staticmethod
    def _is_redirect_to(response: requests.Response, target: str) -> bool:
        return response.is_redirect and response.headers.get("Location", "").startswith(target)


def _first_heading(html: str) -> str:
    match = re.search(r"<h1[^>]*>(.*?)</h1>", html, re.DOTALL)
    return _text(match.group(1)) if match else "(no heading)"


def _readable_error(html: str) -> str:
    """The page's alert or heading, for a failure message."""
    match = re.search(r'role="alert"[^>]*>(.*?)</', html, re.DOTALL)
    return _text(match.group(1)) if match else _first_heading(html)


def _text(fragment: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Play a person's browser on the provider's pages (development).")
    parser.add_argument("action", choices=["authorize", "device"])
    parser.add_argument("target", help="authorize: the authorization URL; device: the user code")
    parser.add_argument("--user", default="alice")
    parser.add_argument("--password", required=True)
    parser.add_argument("--provider-url", default="http://127.0.0.1:8000", help="device: where the device page is")
    parser.add_argument(
        "--redirect-uri", help="authorize: where the client expects the answer, for a URL that does not say (PAR)"
    )
    args = parser.parse_args(argv)
    browser = BrowserStandIn(username=args.user, password=args.password, say=lambda text: print(text, file=sys.stderr))
    try:
        if args.action == "authorize":
            redirect_uri = args.redirect_uri or parse_qs(urlsplit(args.target).query).get("redirect_uri", [""])[0]
            if not redirect_uri:
                parser.error("the authorization URL has no redirect_uri: give --redirect-uri")
            print(browser.authorize(args.target, redirect_uri=redirect_uri))
        else:
            browser.approve_device(f"{args.provider_url.rstrip('/')}/o/device/", args.target)
    except StepFailed as failure:
        print(failure, file=sys.stderr)
        return 1
    finally:
        browser.http.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
