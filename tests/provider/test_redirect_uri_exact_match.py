"""Redirect URIs match the registered ones character for character (RFC 9700 §2.1, OAuth 2.1 §4.1.3).

Every near miss is refused with the provider's own 400 page and never redirected to: the only
difference allowed is the port of a loopback IP literal for native apps (RFC 8252 §7.3).
"""

import pytest
from django.urls import reverse
from oauth2_provider.models import get_grant_model

from tests.flows import authorize_params, pkce_pair, tokens_for

pytestmark = pytest.mark.django_db

REGISTERED = "https://client.example.test/callback"  # ApplicationFactory's redirect URI

NEAR_MISSES = {
    "trailing slash": "https://client.example.test/callback/",
    "path case": "https://client.example.test/Callback",
    "host case": "https://CLIENT.example.test/callback",
    "scheme case": "HTTPS://client.example.test/callback",
    "added query": "https://client.example.test/callback?next=https://evil.test/",
    "empty query": "https://client.example.test/callback?",
    "fragment": "https://client.example.test/callback#frag",
    "encoded traversal": "https://client.example.test/callback/%2e%2e/steal",
    "dot segments": "https://client.example.test/x/../callback",
    "percent-encoded letter": "https://client.example.test/%63allback",
    "path parameter": "https://client.example.test/callback;evil=1",
    "double slash": "https://client.example.test//callback",
    "userinfo": "https://client.example.test@evil.test/callback",
    "userinfo the other way": "https://evil.test@client.example.test/callback",
    "look-alike suffix host": "https://client.example.test.evil.test/callback",
    "look-alike prefix host": "https://evil-client.example.test/callback",
    "IDN look-alike (Cyrillic i)": "https://cl\u0456ent.example.test/callback",
    "punycode look-alike": "https://xn--clent-8we.example.test/callback",
    "trailing dot host": "https://client.example.test./callback",
    "explicit default port": "https://client.example.test:443/callback",
    "other port": "https://client.example.test:8443/callback",
    "http instead of https": "http://client.example.test/callback",
    "backslash": "https://client.example.test\\@evil.test/callback",
    "encoded slash": "https://client.example.test%2fevil.test/callback",
    "CVE-2022-36087 IPv6 literal": "http://[::::::::::::::::::::::::::]/path",
    "CVE-2022-36087, longer": "http://[" + ":" * 4000 + "]/callback",
}


def authorize(http, app, redirect_uri: str):
    _, challenge = pkce_pair()
    return http.get(
        reverse("oauth2_provider:authorize"), authorize_params(app, challenge=challenge, redirect_uri=redirect_uri)
    )


@pytest.mark.parametrize("redirect_uri", NEAR_MISSES.values(), ids=NEAR_MISSES.keys())
def test_a_near_miss_is_refused_on_our_own_page_and_never_redirected_to(browser, web_app, redirect_uri):
    response = authorize(browser, web_app, redirect_uri)

    assert response.status_code == 400
    assert not response.has_header("Location")
    assert not get_grant_model().objects.exists()


def test_the_registered_uri_itself_gets_the_consent_page(browser, web_app):
    assert authorize(browser, web_app, REGISTERED).status_code == 200


def test_a_native_app_may_use_any_port_on_its_loopback_ip(browser, public_app):
    # RFC 8252 §7.3: the port is chosen at run time; PublicApplicationFactory registers port 8765.
    assert authorize(browser, public_app, "http://127.0.0.1:51234/callback").status_code == 200


@pytest.mark.parametrize(
    "redirect_uri",
    [
        "http://127.0.0.1:51234/Callback",
        "http://localhost:8765/callback",
        "http://127.0.0.1.evil.test:8765/callback",
        "http://127.0.0.1:8765@evil.test/callback",
        "https://127.0.0.1:8765/callback",
    ],
)
def test_only_the_loopback_port_may_differ(browser, public_app, redirect_uri):
    response = authorize(browser, public_app, redirect_uri)

    assert response.status_code == 400
    assert not response.has_header("Location")


@pytest.mark.parametrize(
    "uri",
    [
        "https://CLIENT.example.test/signed-out",
        "https://client.example.test/signed-out/",
        "https://client.example.test/signed-out?x=1",
        "https://evil.test/signed-out",
    ],
)
def test_a_post_logout_redirect_uri_must_match_exactly_too(browser, client, web_app, uri):
    id_token = tokens_for(browser, client, web_app)["id_token"]

    response = browser.get(
        reverse("oauth2_provider:rp-initiated-logout"), {"id_token_hint": id_token, "post_logout_redirect_uri": uri}
    )

    assert response.status_code == 400
    assert not response.has_header("Location")
