"""Which client a request claims to be is read one way, for Django and oauthlib requests alike."""

import base64
from urllib.parse import quote, urlencode

import pytest
from django.test import RequestFactory
from oauthlib.common import Request as OAuthlibRequest

from provider.backend import OAuthLibCore
from provider.client_credentials import (
    NONE,
    PresentedCredentials,
    presented_by_http_request,
    presented_by_oauthlib_request,
)

FORM = "application/x-www-form-urlencoded"


def basic(raw: str) -> str:
    return "Basic " + base64.b64encode(raw.encode()).decode()


CASES = [
    ("basic", basic("web-app:s3cret"), {}, PresentedCredentials("web-app", "s3cret", "basic")),
    (
        "basic, form-encoded inside (RFC 6749 §2.3.1)",
        basic(f"{quote('a b:c', safe='')}:{quote('p:w', safe='')}"),
        {},
        PresentedCredentials("a b:c", "p:w", "basic"),
    ),
    (
        "scheme in lower case",
        basic("web-app:s3cret").replace("Basic", "basic"),
        {},
        PresentedCredentials("web-app", "s3cret", "basic"),
    ),
    ("basic without a colon", basic("web-app"), {}, NONE),
    ("basic that is not base64", "Basic !!!", {}, NONE),
    (
        "basic wins over the body",
        basic("a:b"),
        {"client_id": "c", "client_secret": "d"},
        PresentedCredentials("a", "b", "basic"),
    ),
    (
        "body",
        "",
        {"client_id": "web-app", "client_secret": "s3cret"},
        PresentedCredentials("web-app", "s3cret", "body"),
    ),
    ("public client in the body", "", {"client_id": "spa"}, PresentedCredentials("spa", "", "body")),
    ("a bearer token is no client", "Bearer abc", {}, NONE),
    ("nothing", "", {}, NONE),
]


@pytest.mark.parametrize(
    ("authorization", "form", "expected"), [case[1:] for case in CASES], ids=[c[0] for c in CASES]
)
def test_django_and_oauthlib_requests_present_the_same_client(rf: RequestFactory, authorization, form, expected):
    headers = {"HTTP_AUTHORIZATION": authorization} if authorization else {}
    django_request = rf.post("/o/token/", urlencode(form), content_type=FORM, **headers)
    # What DOT's adapter hands oauthlib: Django's META as headers, the form as the body.
    oauthlib_request = OAuthlibRequest(
        "https://testserver/o/token/", "POST", urlencode(form), OAuthLibCore().extract_headers(django_request)
    )

    assert presented_by_http_request(django_request) == expected
    assert presented_by_oauthlib_request(oauthlib_request) == expected
