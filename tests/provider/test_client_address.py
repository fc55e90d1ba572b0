"""The client address: REMOTE_ADDR unless trusted proxies say otherwise, never what the client wrote itself."""

import pytest
from django.test import RequestFactory
from oauthlib.common import Request as OAuthlibRequest

from idp.client_address import client_address
from tests.idp import set_idp


def django_request(**meta):
    return RequestFactory().post("/accounts/login/", **meta)


@pytest.fixture
def proxies(settings):
    """Set how many reverse proxies in front of the app append to X-Forwarded-For."""

    def trust(count: int) -> None:
        set_idp(settings, CLIENT_IP_TRUSTED_PROXIES=count)

    return trust


def test_without_trusted_proxies_the_connection_address_is_the_client(proxies):
    proxies(0)

    request = django_request(REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="198.51.100.4")

    assert client_address(request) == "203.0.113.9"


def test_one_trusted_proxy_means_the_entry_it_appended(proxies):
    proxies(1)

    request = django_request(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.4")

    assert client_address(request) == "198.51.100.4"


def test_two_trusted_proxies_mean_the_entry_the_outer_one_appended(proxies):
    proxies(2)

    # The outer proxy appended the client, the inner one appended the outer proxy; REMOTE_ADDR is the inner one.
    request = django_request(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.4, 10.0.0.1")

    assert client_address(request) == "198.51.100.4"


@pytest.mark.parametrize(
    "forged",
    [
        "6.6.6.6",
        "6.6.6.6, 7.7.7.7",
        '"',  # a quote would make a quote-aware parser swallow everything after it
        "for=6.6.6.6",
        "not-an-address",
    ],
)
def test_what_the_client_wrote_into_x_forwarded_for_is_ignored(proxies, forged):
    proxies(1)

    request = django_request(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=f"{forged}, 198.51.100.4")

    assert client_address(request) == "198.51.100.4"


def test_a_request_that_bypassed_the_outer_proxy_falls_back_to_the_connection(proxies):
    proxies(2)

    request = django_request(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.4")

    assert client_address(request) == "10.0.0.2"


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("2001:DB8:0:0::1", "2001:db8::1"),
        ("[2001:db8::1]:443", "2001:db8::1"),
        ("::ffff:198.51.100.4", "198.51.100.4"),
    ],
)
def test_ipv6_addresses_come_back_in_one_canonical_form(proxies, written, expected):
    proxies(1)

    request = django_request(REMOTE_ADDR="::1", HTTP_X_FORWARDED_FOR=written)

    assert client_address(request) == expected


def test_an_ipv6_connection_without_proxies(proxies):
    proxies(0)

    assert client_address(django_request(REMOTE_ADDR="2001:db8::7")) == "2001:db8::7"


def test_a_malformed_or_missing_address_is_unknown(proxies):
    proxies(0)

    assert client_address(django_request(REMOTE_ADDR="not-an-ip")) is None
    assert client_address(None) is None


def test_an_oauthlib_request_is_read_from_the_headers_dot_copied_into_it(proxies):
    proxies(1)
    # What DOT's OAuthLibCore hands the validator: request.META copied into oauthlib's headers.
    request = OAuthlibRequest(
        "https://idp.example.test/o/token/",
        http_method="POST",
        headers={"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "6.6.6.6, 198.51.100.4"},
    )

    assert client_address(request) == "198.51.100.4"
