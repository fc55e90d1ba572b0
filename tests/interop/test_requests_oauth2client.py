"""A relying party written by someone else, requests-oauth2client, runs every flow against a live provider.

The library reads our discovery document, checks ``state`` and the RFC 9207 ``iss`` on the callback, and
validates the ID token (signature against our JWKS, ``iss``, ``aud``, ``nonce``, ``exp``...) on its own
terms: each test fails if the provider strays from what a standard client expects.
"""

import pytest
import requests
from requests_oauth2client import AuthorizationRequest, DPoPKey, DPoPToken, OAuth2Client
from requests_oauth2client.exceptions import AuthorizationPending, InvalidGrant

from demo.browser_standin import BrowserStandIn
from tests.factories import (
    CLIENT_SECRET,
    USER_PASSWORD,
    ApplicationFactory,
    DeviceApplicationFactory,
    MachineApplicationFactory,
    PublicApplicationFactory,
    ResourceServerApplicationFactory,
    UserFactory,
)
from tests.idp import set_idp

pytestmark = pytest.mark.django_db(transaction=True)

REDIRECT_URI = "http://127.0.0.1:8765/callback"


@pytest.fixture
def rp(live_server):
    """A factory of requests-oauth2client clients configured from the live provider's discovery document."""

    def make(client_id: str, client_secret: str | None = None, **endpoints: str) -> OAuth2Client:
        return OAuth2Client.from_discovery_endpoint(
            f"{live_server.url}/.well-known/openid-configuration",
            issuer=live_server.url,
            client_id=client_id,
            client_secret=client_secret,
            testing=True,  # http on loopback: the library insists on https otherwise
            **endpoints,
        )

    return make


def _sign_in_and_allow(request: AuthorizationRequest | str, *, redirect_uri: str = REDIRECT_URI) -> str:
    user = UserFactory(username="interop-alice")
    browser = BrowserStandIn(username=user.username, password=USER_PASSWORD, say=lambda _text: None)
    uri = request if isinstance(request, str) else str(request.uri)
    return browser.authorize(uri, redirect_uri=redirect_uri)


def test_client_credentials_gives_a_bearer_token_with_the_scope_asked(rp):
    app = MachineApplicationFactory()

    token = rp(app.client_id, CLIENT_SECRET).client_credentials(scope="users:read")

    assert token.token_type.lower() == "bearer"
    assert token.scope == "users:read"
    assert token.expires_in > 0


def test_the_code_flow_with_pkce_state_iss_and_an_id_token_the_library_validates(rp):
    app = PublicApplicationFactory()
    client = rp(app.client_id)
    request = client.authorization_request(scope="openid profile email", redirect_uri=REDIRECT_URI)

    response = request.validate_callback(_sign_in_and_allow(request))  # checks state and iss
    token = client.authorization_code(response)  # sends the PKCE verifier, validates the ID token

    assert token.id_token is not None
    assert token.id_token.claims["nonce"] == request.nonce
    assert token.refresh_token
    assert client.userinfo(token)["sub"] == token.id_token.subject


def test_a_pushed_authorization_request_through_the_library(rp):
    app = ApplicationFactory(redirect_uris=REDIRECT_URI)
    client = rp(app.client_id, CLIENT_SECRET)
    request = client.authorization_request(scope="openid profile", redirect_uri=REDIRECT_URI)

    pushed = client.pushed_authorization_request(request)
    response = request.validate_callback(_sign_in_and_allow(str(pushed.uri)))
    token = client.authorization_code(response)

    assert "request_uri=urn%3Aietf%3Aparams%3Aoauth%3Arequest_uri%3A" in str(pushed.uri)
    assert token.id_token.claims["nonce"] == request.nonce


def test_refresh_then_revocation_as_the_library_does_them(rp):
    app = PublicApplicationFactory()
    client = rp(app.client_id)
    request = client.authorization_request(scope="openid profile", redirect_uri=REDIRECT_URI)
    token = client.authorization_code(request.validate_callback(_sign_in_and_allow(request)))

    refreshed = client.refresh_token(token)
    assert refreshed.access_token != token.access_token
    assert client.revoke_refresh_token(refreshed) is True

    with pytest.raises(InvalidGrant):
        client.refresh_token(refreshed)


def test_introspection_by_a_resource_server_reports_active_then_inactive(rp):
    machine = MachineApplicationFactory()
    token = rp(machine.client_id, CLIENT_SECRET).client_credentials(scope="users:read")
    resource_server = rp(ResourceServerApplicationFactory().client_id, CLIENT_SECRET)

    active = resource_server.introspect_token(token.access_token)
    rp(machine.client_id, CLIENT_SECRET).revoke_access_token(token)
    inactive = resource_server.introspect_token(token.access_token)

    assert active["active"] is True
    assert active["client_id"] == machine.client_id
    assert inactive == {"active": False}


def test_the_device_flow_pending_then_approved(rp, live_server):
    app = DeviceApplicationFactory()
    # The library does not read device_authorization_endpoint from discovery (1.8.0); ours publishes it.
    discovery = requests.get(f"{live_server.url}/.well-known/openid-configuration", timeout=10).json()
    client = rp(app.client_id, device_authorization_endpoint=discovery["device_authorization_endpoint"])
    device = client.authorize_device(scope="openid profile")

    with pytest.raises(AuthorizationPending):
        client.device_code(device)
    user = UserFactory(username="interop-tv-owner")
    browser = BrowserStandIn(username=user.username, password=USER_PASSWORD, say=lambda _text: None)
    browser.approve_device(f"{live_server.url}/o/device/", device.user_code)
    token = client.device_code(device)

    assert device.verification_uri
    assert token.access_token
    assert token.refresh_token


def test_a_dpop_bound_client_credentials_token_calls_the_api_through_the_library(rp, live_server):
    app = MachineApplicationFactory()
    client = rp(app.client_id, CLIENT_SECRET)

    token = client.client_credentials(scope="users:read", dpop=True)  # a DPoPToken: key generated by the library
    response = requests.get(f"{live_server.url}/api/users/", auth=token, timeout=10)
    as_bearer = requests.get(
        f"{live_server.url}/api/users/", headers={"Authorization": f"Bearer {token.access_token}"}, timeout=10
    )

    assert isinstance(token, DPoPToken)
    assert response.status_code == 200, response.text
    assert as_bearer.status_code == 401


def test_the_library_follows_the_servers_dpop_nonces(rp, live_server, settings):
    set_idp(settings, DPOP_NONCE_REQUIRED=True)
    app = MachineApplicationFactory()
    client = rp(app.client_id, CLIENT_SECRET)

    token = client.client_credentials(scope="users:read", dpop=True)  # retries once on use_dpop_nonce
    response = requests.get(f"{live_server.url}/api/users/", auth=token, timeout=10)

    assert isinstance(token, DPoPToken)
    assert response.status_code == 200, response.text


def test_a_public_clients_dpop_code_flow_refreshes_and_reads_userinfo_with_its_key(rp):
    app = PublicApplicationFactory()
    client = rp(app.client_id)
    request = client.authorization_request(scope="openid profile", redirect_uri=REDIRECT_URI)
    response = request.validate_callback(_sign_in_and_allow(request))

    # validate=False: the library's ID token validation rebuilds the token without its DPoP key (1.8.0), a
    # client-side bug; the ID token itself is validated by the bearer code flow test above.
    token = client.authorization_code(response, dpop=True, validate=False)
    refreshed = client.refresh_token(token)  # proofs with the token's own key (RFC 9449 §5)

    assert isinstance(refreshed, DPoPToken)
    assert refreshed.dpop_key is token.dpop_key
    assert client.userinfo(refreshed)["preferred_username"] == "interop-alice"
    with pytest.raises(InvalidGrant):
        client.refresh_token(refreshed.refresh_token, dpop_key=DPoPKey.generate())  # another key: refused


def test_the_librarys_dpop_jkt_binds_the_code_to_its_key(rp):
    app = PublicApplicationFactory()
    client = rp(app.client_id)
    request = client.authorization_request(scope="openid profile", redirect_uri=REDIRECT_URI, dpop=True)
    response = request.validate_callback(_sign_in_and_allow(request))

    # The library sends dpop_jkt and redeems the code with a proof of that key (RFC 9449 §10).
    token = client.authorization_code(response, validate=False)

    assert isinstance(token, DPoPToken)
    assert token.dpop_key is request.dpop_key
