"""A back-channel logout URI is registered under the redirect URI rules: https outside development, no fragment."""

import pytest
from django.core.exceptions import ValidationError

from tests.factories import ApplicationFactory

pytestmark = pytest.mark.django_db


def problems(uri: str) -> list[str]:
    app = ApplicationFactory.build(backchannel_logout_uri=uri)
    try:
        app.clean()
    except ValidationError as error:
        return error.message_dict.get("backchannel_logout_uri", [])
    return []


def test_an_https_uri_is_accepted():
    assert problems("https://client.example.test/backchannel-logout") == []


@pytest.mark.parametrize(
    "uri",
    [
        "http://client.example.test/backchannel-logout",
        "http://127.0.0.1:8001/backchannel-logout",
        "https://client.example.test/backchannel-logout#x",
        "https://user@client.example.test/backchannel-logout",
        "javascript:alert(1)",
        "https://client.example.test/a b",
    ],
)
def test_plain_http_fragments_user_information_and_other_schemes_are_refused(uri):
    assert problems(uri)


def test_development_allows_plain_http_on_loopback(settings):
    settings.IDP = {**settings.IDP, "ALLOW_HTTP_LOOPBACK_FOR_CONFIDENTIAL": True}

    assert problems("http://localhost:8001/backchannel-logout") == []


def test_session_required_needs_a_uri():
    app = ApplicationFactory.build(backchannel_logout_session_required=True)
    with pytest.raises(ValidationError) as error:
        app.clean()
    assert "backchannel_logout_uri" in error.value.message_dict
