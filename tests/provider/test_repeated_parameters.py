"""A repeated protocol parameter is always invalid_request: refused by oauthlib where it checks, else by the guard.

provider.backend passes oauthlib every value sent, so oauthlib's own duplicate checks apply; the
request guard (provider.request_guard) refuses only the repeats oauthlib does not look for. Each
parameter in the guard's table of what oauthlib checks is sent twice here and must come back with
oauthlib's own words, which proves the table is true for the oauthlib version installed.
"""

from urllib.parse import urlencode

import pytest
from django.urls import reverse

from provider.request_guard import OAUTHLIB_REFUSES_REPEATED, OAUTHLIB_REFUSES_REPEATED_BY_GRANT
from tests.factories import DeviceApplicationFactory
from tests.flows import basic_auth, pkce_pair

pytestmark = pytest.mark.django_db

FORM = "application/x-www-form-urlencoded"
DEVICE_CODE = "urn:ietf:params:oauth:grant-type:device_code"

TOKEN_REQUESTS = {
    "authorization_code": {
        "grant_type": "authorization_code",
        "code": "c0de",
        "redirect_uri": "https://client.example.test/callback",
        "code_verifier": "v" * 43,
        "client_id": "placeholder",
    },
    "client_credentials": {"grant_type": "client_credentials", "scope": "openid"},
    "password": {"grant_type": "password", "username": "alice", "password": "pw", "scope": "openid"},
    DEVICE_CODE: {"grant_type": DEVICE_CODE, "device_code": "d3v1ce", "scope": "openid"},
}
CHECKED_BY_OAUTHLIB = [(grant, name) for grant, names in OAUTHLIB_REFUSES_REPEATED_BY_GRANT.items() for name in names]


def post_token(client, app, params: dict, repeated: str):
    body = urlencode(params) + "&" + urlencode({repeated: params[repeated]})
    return client.post(reverse("oauth2_provider:token"), body, content_type=FORM, **basic_auth(app.client_id))


@pytest.mark.parametrize(("grant", "name"), CHECKED_BY_OAUTHLIB)
def test_oauthlib_refuses_each_repeat_the_guard_leaves_to_it(client, web_app, grant, name):
    params = {**TOKEN_REQUESTS[grant]}
    if "client_id" in params:
        params["client_id"] = web_app.client_id

    response = post_token(client, web_app, params, name)

    assert response.status_code == 400
    assert response.json() == {"error": "invalid_request", "error_description": f"Duplicate {name} parameter."}
    assert response["Cache-Control"] == "no-store"


@pytest.mark.parametrize("name", ["grant_type", "refresh_token", "scope"])
def test_the_guard_refuses_repeats_in_a_refresh_request_which_oauthlib_does_not_check(client, web_app, name):
    params = {"grant_type": "refresh_token", "refresh_token": "r3fresh", "scope": "openid"}

    response = post_token(client, web_app, params, name)

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"
    assert f"'{name}' is included more than once" in response.json()["error_description"]


@pytest.mark.parametrize("name", ["grant_type", "device_code", "scope"])
def test_the_guard_refuses_repeats_in_a_device_code_poll_which_the_token_view_answers_first(client, name):
    app = DeviceApplicationFactory()
    params = {**TOKEN_REQUESTS[DEVICE_CODE], "client_id": app.client_id}
    body = urlencode(params) + "&" + urlencode({name: params[name]})

    response = client.post(reverse("oauth2_provider:token"), body, content_type=FORM)

    assert response.status_code == 400
    assert f"'{name}' is included more than once" in response.json()["error_description"]


@pytest.mark.parametrize("name", ["code", "code_verifier"])
def test_the_guard_refuses_repeated_code_parameters_which_oauthlib_does_not_check(client, web_app, name):
    params = {**TOKEN_REQUESTS["authorization_code"], "client_id": web_app.client_id}

    response = post_token(client, web_app, params, name)

    assert response.status_code == 400
    assert f"'{name}' is included more than once" in response.json()["error_description"]


@pytest.mark.parametrize("name", sorted(OAUTHLIB_REFUSES_REPEATED["authorize"]))
def test_a_repeated_authorization_parameter_gets_an_error_page_never_a_redirect(browser, web_app, name):
    _, challenge = pkce_pair()
    params = {
        "response_type": "code",
        "client_id": web_app.client_id,
        "redirect_uri": "https://client.example.test/callback",
        "scope": "openid",
        "state": "s",
        "code_challenge": challenge,
        "code_challenge_method": "S256",
    }
    query = urlencode(params) + "&" + urlencode({name: params[name]})

    response = browser.get(f"{reverse('oauth2_provider:authorize')}?{query}")

    assert response.status_code == 400
    assert not response.has_header("Location")
    assert f"Duplicate {name} parameter." in response.content.decode()


@pytest.mark.parametrize("name", sorted(OAUTHLIB_REFUSES_REPEATED["device-authorization"]))
def test_a_repeated_device_authorization_parameter_is_refused_by_oauthlib(client, name):
    app = DeviceApplicationFactory()
    body = (
        urlencode({"client_id": app.client_id, "scope": "openid"})
        + "&"
        + urlencode({name: {"client_id": app.client_id, "scope": "openid"}[name]})
    )

    response = client.post(reverse("oauth2_provider:device-authorization"), body, content_type=FORM)

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"
    assert response["Cache-Control"] == "no-store"
