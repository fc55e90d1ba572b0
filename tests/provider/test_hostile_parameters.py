"""Malformed, oversized, repeated and wrongly encoded parameters at every protocol endpoint: always a 4xx.

Machine endpoints answer ``invalid_request`` in RFC 6749 §5.2 JSON; pages (authorize, logout, sign-in)
answer our 400 page and never redirect. Each request finishing under pytest's normal run is what shows
the work is bounded (the CVE-2022-36087 payload pinned a CPU on vulnerable oauthlib versions).
"""

from dataclasses import dataclass, field
from urllib.parse import quote

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import USER_PASSWORD, AccessTokenFactory, DeviceApplicationFactory
from tests.flows import basic_auth, pkce_pair

pytestmark = pytest.mark.django_db

FORM = "application/x-www-form-urlencoded"
REGISTERED = "https://client.example.test/callback"
CVE_2022_36087 = "http://[::::::::::::::::::::::::::]/path"
BIG = "a" * 100_000


@dataclass
class Endpoint:
    """How to send one endpoint a request: which URL, GET or POST, its usual parameters, which to repeat."""

    url_name: str
    method: str
    params: dict[str, str]
    repeat: str
    json: bool
    headers: dict[str, str] = field(default_factory=dict)
    browser: bool = False


def endpoints(web_app, resource_server, device_app) -> dict[str, Endpoint]:
    _, challenge = pkce_pair()
    return {
        "token": Endpoint(
            "oauth2_provider:token",
            "POST",
            {
                "grant_type": "authorization_code",
                "code": "c0de",
                "redirect_uri": REGISTERED,
                "code_verifier": "v" * 43,
            },
            repeat="grant_type",
            json=True,
            headers=basic_auth(web_app.client_id),
        ),
        "revocation": Endpoint(
            "oauth2_provider:revoke-token",
            "POST",
            {"token": "t0ken", "token_type_hint": "access_token"},
            repeat="token",
            json=True,
            headers=basic_auth(web_app.client_id),
        ),
        "introspection": Endpoint(
            "oauth2_provider:introspect",
            "POST",
            {"token": "t0ken"},
            repeat="token",
            json=True,
            headers=basic_auth(resource_server.client_id),
        ),
        "device authorization": Endpoint(
            "oauth2_provider:device-authorization",
            "POST",
            {"client_id": device_app.client_id, "scope": "openid"},
            repeat="client_id",
            json=True,
        ),
        "userinfo": Endpoint(
            "oauth2_provider:user-info",
            "POST",
            {"claims": "{}"},
            repeat="claims",
            json=True,
            headers={"HTTP_AUTHORIZATION": "Bearer not-a-token"},
        ),
        "authorize": Endpoint(
            "oauth2_provider:authorize",
            "GET",
            {
                "response_type": "code",
                "client_id": web_app.client_id,
                "redirect_uri": REGISTERED,
                "scope": "openid",
                "state": "s",
                "code_challenge": challenge,
                "code_challenge_method": "S256",
            },
            repeat="code_challenge",
            json=False,
            browser=True,
        ),
        "logout": Endpoint(
            "oauth2_provider:rp-initiated-logout",
            "GET",
            {"client_id": web_app.client_id, "post_logout_redirect_uri": web_app.post_logout_redirect_uris},
            repeat="post_logout_redirect_uri",
            json=False,
            browser=True,
        ),
        "sign-in": Endpoint("login", "POST", {"username": "alice", "password": USER_PASSWORD}, "username", json=False),
    }


def encode(params: dict[str, str]) -> str:
    return "&".join(f"{quote(name, safe='')}={quote(value, safe='')}" for name, value in params.items())


def hostile_variants(endpoint: Endpoint) -> dict[str, str]:
    """Raw query strings or bodies, each broken in one way."""
    params = endpoint.params
    first = next(iter(params))
    ok = encode(params)
    return {
        "repeated parameter": f"{ok}&{quote(endpoint.repeat)}={quote(params[endpoint.repeat], safe='')}",
        "NUL byte": encode({**params, first: params[first] + "\x00"}),
        "control character": encode({**params, first: "a\x1bb"}),
        "invalid UTF-8": ok + "&extra=%ff%fe",
        "overlong UTF-8": ok + "&extra=%c0%af",
        "broken percent-encoding": ok + "&extra=%zz",
        "truncated percent-encoding": ok + "&extra=%4",
        "100 KB value": encode({**params, first: BIG}),
        "too many parameters": ok + "".join(f"&f{n}=1" for n in range(1000)),
        "NUL in a parameter name": ok + "&ex%00tra=1",
    }


@pytest.fixture
def all_endpoints(web_app, resource_server, user) -> dict[str, Endpoint]:
    return endpoints(web_app, resource_server, DeviceApplicationFactory())


def send(endpoint: Endpoint, raw: str, http: Client):
    url = reverse(endpoint.url_name)
    if endpoint.method == "GET":
        return http.get(f"{url}?{raw}", **endpoint.headers)
    return http.post(url, raw, content_type=FORM, **endpoint.headers)


def assert_refused(endpoint: Endpoint, response) -> None:
    assert response.status_code == 400, response.content[:300]
    assert not response.has_header("Location")
    if endpoint.json:
        assert response.json()["error"] == "invalid_request"
        assert response["Cache-Control"] == "no-store"
    else:
        assert b"invalid_request" in response.content


ENDPOINT_NAMES = [
    "token",
    "revocation",
    "introspection",
    "device authorization",
    "userinfo",
    "authorize",
    "logout",
    "sign-in",
]
VARIANTS = list(hostile_variants(Endpoint("x", "GET", {"a": "b"}, "a", json=True)))


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("name", ENDPOINT_NAMES)
def test_a_malformed_request_is_refused_with_invalid_request(all_endpoints, user, name, variant):
    endpoint = all_endpoints[name]
    http = Client()
    if endpoint.browser:
        http.force_login(user)

    response = send(endpoint, hostile_variants(endpoint)[variant], http)

    assert_refused(endpoint, response)


@pytest.mark.parametrize("name", ENDPOINT_NAMES)
def test_the_usual_parameters_are_not_refused_by_the_guard(all_endpoints, user, name):
    """The control for the test above: each baseline request gets past the guard (whatever the view says)."""
    endpoint = all_endpoints[name]
    http = Client()
    if endpoint.browser:
        http.force_login(user)

    response = send(endpoint, encode(endpoint.params), http)

    assert response.status_code < 500
    assert b"included more than once" not in response.content


@pytest.mark.parametrize("name", ["grant_type", "code", "redirect_uri", "code_verifier", "client_id", "scope"])
def test_any_repeated_token_request_parameter_is_invalid_request(client, web_app, name):
    params = {
        "grant_type": "authorization_code",
        "code": "c",
        "redirect_uri": REGISTERED,
        "code_verifier": "v" * 43,
        "client_id": web_app.client_id,
        "scope": "openid",
    }
    raw = f"{encode(params)}&{name}=again"

    response = client.post(reverse("oauth2_provider:token"), raw, content_type=FORM, **basic_auth(web_app.client_id))

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"
    # Named either by the request guard or by oauthlib, whichever checks that parameter.
    assert name in response.json()["error_description"]


def test_a_repeated_grant_type_no_longer_gets_a_token(client, machine_app):
    raw = "grant_type=client_credentials&grant_type=client_credentials"

    response = client.post(
        reverse("oauth2_provider:token"), raw, content_type=FORM, **basic_auth(machine_app.client_id)
    )

    assert response.status_code == 400
    assert "access_token" not in response.json()


def test_rfc_8707_resource_may_be_repeated(client, machine_app):
    raw = "grant_type=client_credentials&resource=https://api.example.test/&resource=https://other.example.test/"

    response = client.post(
        reverse("oauth2_provider:token"), raw, content_type=FORM, **basic_auth(machine_app.client_id)
    )

    assert b"included more than once" not in response.content
    assert response.status_code < 500


def test_the_consent_form_may_post_several_scope_checkboxes(browser, web_app):
    """Repetition is refused in the query of /o/authorize/, not in the body of our own consent form."""
    _, challenge = pkce_pair()
    params = dict(all_scope_params(web_app, challenge))
    page = browser.get(reverse("oauth2_provider:authorize"), params)
    form = {name: value for name, value in page.context["form"].initial.items() if value is not None}

    response = browser.post(reverse("oauth2_provider:authorize"), {**form, "allow": "Authorize"})

    assert response.status_code == 302
    assert "code=" in response["Location"]


def all_scope_params(web_app, challenge: str) -> dict[str, str]:
    return {
        "response_type": "code",
        "client_id": web_app.client_id,
        "redirect_uri": REGISTERED,
        "scope": "openid profile email",
        "state": "s",
        "code_challenge": challenge,
        "code_challenge_method": "S256",
    }


def test_the_cve_2022_36087_redirect_uri_is_refused_at_the_authorization_endpoint(browser, web_app):
    _, challenge = pkce_pair()
    params = {**all_scope_params(web_app, challenge), "redirect_uri": CVE_2022_36087}

    response = browser.get(reverse("oauth2_provider:authorize"), params)

    assert response.status_code == 400
    assert not response.has_header("Location")


def test_the_cve_2022_36087_redirect_uri_is_refused_at_the_token_endpoint(client, web_app):
    data = {"grant_type": "authorization_code", "code": "c", "redirect_uri": CVE_2022_36087, "code_verifier": "v" * 43}

    response = client.post(
        reverse("oauth2_provider:token"), encode(data), content_type=FORM, **basic_auth(web_app.client_id)
    )

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"


def test_the_cve_2022_36087_uri_is_refused_as_a_post_logout_redirect(browser, web_app):
    response = browser.get(
        reverse("oauth2_provider:rp-initiated-logout"),
        {"client_id": web_app.client_id, "post_logout_redirect_uri": CVE_2022_36087},
    )

    assert response.status_code == 400
    assert not response.has_header("Location")


@pytest.mark.parametrize(
    "authorization",
    [
        "Basic %%%",
        "Basic " + "QQ" * 5000,
        "Basic /w==",  # one byte, 0xff: not UTF-8
        "Basic YQBiOmM=",  # "a\x00b:c"
        "Bearer x",
        "Basic",
    ],
)
def test_a_garbled_authorization_header_is_invalid_client(client, web_app, authorization):
    response = client.post(
        reverse("oauth2_provider:token"),
        "grant_type=client_credentials",
        content_type=FORM,
        HTTP_AUTHORIZATION=authorization,
    )

    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"


def test_an_unknown_client_id_at_logout_is_invalid_request_not_a_crash(browser):
    response = browser.get(reverse("oauth2_provider:rp-initiated-logout"), {"client_id": "no-such-client"})

    assert response.status_code == 400
    assert b"invalid_request" in response.content


def test_an_oversized_sign_in_form_gets_the_readable_page(client):
    response = client.post(reverse("login"), {"username": "alice", "password": BIG})

    assert response.status_code == 400
    assert b"This request cannot be completed" in response.content


@pytest.mark.parametrize(
    "path",
    [
        "/api/authorizations/a%00b/",
        "/api/shared-notes/%00/",
        "/api/notes/?search=a%00b",
        "/api/notes/?q=%ff",
        "/api/notes/?q=%zz",
    ],
)
def test_the_api_refuses_control_characters_and_bad_encoding_in_path_and_query(client, user, web_app, path):
    token = AccessTokenFactory(user=user, application=web_app, scope="notes:read authorizations:read")

    response = client.get(path, HTTP_AUTHORIZATION=f"Bearer {token.raw_token}")

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"
