"""Client public keys: what an admin may register, and how a jwks_uri is fetched (never from a private address)."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from clients.models import TokenEndpointAuthMethod
from provider.client_jwks import MAX_JWKS_BYTES, JWKSRefused, fetch_jwks
from tests.client_assertions.keys import KEY_FOR_ALGORITHM, assertion, assertion_form, public_jwks
from tests.factories import MachineApplicationFactory
from tests.flows import form_post
from tests.idp import set_idp

pytestmark = pytest.mark.django_db

# Ports 9500-9549 are this suite's.
PORT = 9531


@pytest.mark.parametrize(
    "uri",
    [
        "https://127.0.0.1/jwks",
        "https://[::1]/jwks",
        "https://10.1.2.3/jwks",
        "https://192.168.0.10/jwks",
        "https://169.254.169.254/latest/meta-data",
        "https://localhost/jwks",
    ],
)
def test_a_jwks_uri_at_a_loopback_or_private_address_is_never_fetched(uri):
    with pytest.raises(JWKSRefused, match="non-public address"):
        fetch_jwks(uri)


def test_a_plain_http_jwks_uri_is_refused_outside_development():
    with pytest.raises(JWKSRefused, match="https"):
        fetch_jwks("http://keys.example.com/jwks")


def test_an_admin_cannot_register_a_private_key_as_the_clients_key():
    key = KEY_FOR_ALGORITHM["RS256"]()
    app = MachineApplicationFactory.build(
        token_endpoint_auth_method=TokenEndpointAuthMethod.PRIVATE_KEY_JWT, jwks={"keys": [key.as_dict(private=True)]}
    )

    with pytest.raises(ValidationError) as error:
        app.full_clean()
    assert "jwks" in error.value.message_dict


def test_an_admin_cannot_register_an_oversized_jwks():
    key = public_jwks(KEY_FOR_ALGORITHM["RS256"]())["keys"][0]
    app = MachineApplicationFactory.build(
        token_endpoint_auth_method=TokenEndpointAuthMethod.PRIVATE_KEY_JWT,
        jwks={"keys": [{**key, "x-padding": "a" * MAX_JWKS_BYTES}]},
    )

    with pytest.raises(ValidationError) as error:
        app.full_clean()
    assert "jwks" in error.value.message_dict


def test_an_admin_cannot_register_a_jwks_uri_at_a_loopback_address():
    app = MachineApplicationFactory.build(
        token_endpoint_auth_method=TokenEndpointAuthMethod.PRIVATE_KEY_JWT, jwks_uri="https://127.0.0.1/jwks"
    )

    with pytest.raises(ValidationError) as error:
        app.full_clean()
    assert "jwks_uri" in error.value.message_dict


def test_private_key_jwt_needs_exactly_one_source_of_keys():
    app = MachineApplicationFactory.build(token_endpoint_auth_method=TokenEndpointAuthMethod.PRIVATE_KEY_JWT)

    with pytest.raises(ValidationError) as error:
        app.full_clean()
    assert "jwks" in error.value.message_dict


class _KeyServer:
    """A local JWKS endpoint whose answer a test changes; it counts the requests it served."""

    def __init__(self):
        self.body = b"{}"
        self.hits = 0
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                owner.hits += 1
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(owner.body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", PORT), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def local_fetch(settings) -> None:
    """Let the test's key server on loopback be fetched (only the two keys change: the rest of IDP stays)."""
    set_idp(settings, CLIENT_JWKS_URI_ALLOW_HTTP=True, CLIENT_JWKS_URI_ALLOW_PRIVATE_ADDRESSES=True)


@pytest.fixture
def key_server(local_fetch):
    server = _KeyServer()
    yield server
    server.close()


def test_keys_are_fetched_from_the_jwks_uri_and_fetched_again_for_an_unknown_kid(client, key_server):
    first = KEY_FOR_ALGORITHM["ES256"]()
    key_server.body = json.dumps(public_jwks(first)).encode()
    app = MachineApplicationFactory(
        token_endpoint_auth_method=TokenEndpointAuthMethod.PRIVATE_KEY_JWT, jwks_uri=f"http://127.0.0.1:{PORT}/jwks"
    )
    grant = {"grant_type": "client_credentials"}

    signed = assertion(first, app.client_id, alg="ES256")
    assert form_post(client, reverse("oauth2_provider:token"), {**grant, **assertion_form(signed)}).status_code == 200
    signed = assertion(first, app.client_id, alg="ES256")
    assert form_post(client, reverse("oauth2_provider:token"), {**grant, **assertion_form(signed)}).status_code == 200
    assert key_server.hits == 1  # cached

    rotated = KEY_FOR_ALGORITHM["RS256"]()  # kid "rsa-1", which the cached set lacks
    key_server.body = json.dumps(public_jwks(first, rotated)).encode()
    signed = assertion(rotated, app.client_id)
    assert form_post(client, reverse("oauth2_provider:token"), {**grant, **assertion_form(signed)}).status_code == 200
    assert key_server.hits == 2


def test_an_oversized_answer_from_a_jwks_uri_is_refused(key_server):
    key = public_jwks(KEY_FOR_ALGORITHM["RS256"]())["keys"][0]
    key_server.body = json.dumps({"keys": [{**key, "x-padding": "a" * MAX_JWKS_BYTES}]}).encode()

    with pytest.raises(JWKSRefused, match="more than"):
        fetch_jwks(f"http://127.0.0.1:{PORT}/jwks")


def test_a_jwks_uri_answering_a_private_key_is_refused(key_server):
    key_server.body = json.dumps({"keys": [KEY_FOR_ALGORITHM["RS256"]().as_dict(private=True)]}).encode()

    with pytest.raises(JWKSRefused, match="private"):
        fetch_jwks(f"http://127.0.0.1:{PORT}/jwks")
