"""Server-side requests to registered URIs go only to public https addresses (idp.outbound)."""

import pytest

from idp.outbound import OutboundRefused, outbound_post_form


@pytest.fixture(autouse=True)
def _production_rules(settings):
    settings.IDP = {**settings.IDP, "OUTBOUND_ALLOW_PRIVATE_ADDRESSES": False}


@pytest.mark.parametrize(
    "url",
    [
        "https://127.0.0.1/logout",
        "https://localhost/logout",
        "https://[::1]/logout",
        "https://10.0.0.8/logout",
        "https://192.168.1.1/logout",
        "https://169.254.169.254/latest/meta-data/",
        "https://[fd00::1]/logout",
        "https://0.0.0.0/logout",
        "https://224.0.0.1/logout",
    ],
)
def test_loopback_private_link_local_and_special_addresses_are_refused(url):
    with pytest.raises(OutboundRefused, match="does not call"):
        outbound_post_form(url, {"logout_token": "x"})


@pytest.mark.parametrize(
    "url",
    [
        "http://client.example.test/logout",
        "ftp://client.example.test/logout",
        "https://user@client.example.test/logout",
        "https://client.example.test/logout#fragment",
        "https:///logout",
        "https://[::::]/logout",
    ],
)
def test_plain_http_other_schemes_user_information_fragments_and_garbage_are_refused(url):
    with pytest.raises(OutboundRefused):
        outbound_post_form(url, {"logout_token": "x"})


def test_a_host_that_does_not_resolve_is_refused():
    with pytest.raises(OutboundRefused, match="does not resolve"):
        outbound_post_form("https://nowhere.invalid/logout", {"logout_token": "x"})


def test_development_may_call_loopback_over_http(settings):
    settings.IDP = {**settings.IDP, "OUTBOUND_ALLOW_PRIVATE_ADDRESSES": True}

    # Nothing listens on port 9 (discard): the request is made and fails to connect, it is not refused.
    with pytest.raises(OSError, match=r"[Rr]efused"):
        outbound_post_form("http://127.0.0.1:9/logout", {"logout_token": "x"})
