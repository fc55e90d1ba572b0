"""Whole flows through HAProxy, each step answered by another node: nothing a node holds is needed by the next.

Round-robin with no stickiness sends consecutive requests to consecutive nodes, so a sign-in and consent,
the code exchange and the API call land on three different nodes; each answer names its node.
"""

from datetime import timedelta

import pytest

from clients.secret_rotation import client_secret_rotate
from tests.cluster.clients import Browser, Client, person
from tests.factories import (
    CLIENT_SECRET,
    ApplicationFactory,
    DeviceApplicationFactory,
    MachineApplicationFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)

NODES = {"node1", "node2", "node3"}


@pytest.fixture
def signed_in_tokens(cluster):
    """A code flow through the balancer: (client, app, token response, nodes of consent, exchange, API call)."""
    user = person()
    app = ApplicationFactory()
    browser = Browser(cluster, user.username)
    client = Client(cluster)
    code, verifier = browser.authorize_code(app)
    tokens = client.exchange(app, code, verifier)
    me = client.me(tokens.json()["access_token"])
    return client, app, tokens, (browser.served[-1], client.served[0], client.served[1]), me


def test_sign_in_and_consent_on_one_node_code_exchange_on_another_and_the_api_on_a_third(signed_in_tokens):
    _client, _app, tokens, nodes, me = signed_in_tokens

    assert tokens.status_code == 200, tokens.text
    assert me.status_code == 200
    assert set(nodes) == NODES


def test_a_refreshed_token_works_on_every_node_and_the_rotated_one_on_none(signed_in_tokens):
    client, app, tokens, _nodes, _me = signed_in_tokens
    old_access = tokens.json()["access_token"]
    for _ in NODES:
        client.me(old_access)  # every node has it cached

    refreshed = client.token(
        {"grant_type": "refresh_token", "refresh_token": tokens.json()["refresh_token"]}, client_id=app.client_id
    )

    assert refreshed.status_code == 200, refreshed.text
    assert client.statuses_per_node(lambda: client.me(refreshed.json()["access_token"])) == dict.fromkeys(NODES, 200)
    assert client.until_every_node_answers(lambda: client.me(old_access), 401) == dict.fromkeys(NODES, 401)


def test_a_token_revoked_through_one_node_is_refused_by_every_node(signed_in_tokens):
    client, app, tokens, _nodes, _me = signed_in_tokens
    access = tokens.json()["access_token"]
    assert client.statuses_per_node(lambda: client.me(access)) == dict.fromkeys(NODES, 200)

    revoked = client.post("/o/revoke_token/", {"token": access}, client_id=app.client_id)

    assert revoked.status_code == 200
    assert client.until_every_node_answers(lambda: client.me(access), 401) == dict.fromkeys(NODES, 401)


def test_the_device_flow_across_nodes(cluster):
    user = person()
    app = DeviceApplicationFactory()
    client = Client(cluster)
    device = client.post("/o/device-authorization/", {"client_id": app.client_id, "scope": "openid profile"}).json()
    poll = {"grant_type": "urn:ietf:params:oauth:grant-type:device_code", "device_code": device["device_code"]}
    pending = client.token({**poll, "client_id": app.client_id})

    Browser(cluster, user.username).approve_device(f"{cluster.url}/o/device/", device["user_code"])
    tokens = client.token({**poll, "client_id": app.client_id})

    assert pending.json()["error"] == "authorization_pending"
    assert tokens.status_code == 200, tokens.text
    assert client.statuses_per_node(lambda: client.me(tokens.json()["access_token"])) == dict.fromkeys(NODES, 200)


def test_a_rotated_secret_is_refused_by_every_node_and_the_new_one_accepted(cluster):
    app = MachineApplicationFactory()
    client = Client(cluster)
    grant = {"grant_type": "client_credentials", "scope": "users:read"}
    assert client.statuses_per_node(lambda: client.token(grant, client_id=app.client_id)) == dict.fromkeys(NODES, 200)

    new_secret, _rotation = client_secret_rotate(application=app, rotated_by=None, overlap=timedelta(0))

    old = client.until_every_node_answers(
        lambda: client.token(grant, client_id=app.client_id, secret=CLIENT_SECRET), 401
    )
    new = client.statuses_per_node(lambda: client.token(grant, client_id=app.client_id, secret=new_secret))
    assert old == dict.fromkeys(NODES, 401)
    assert new == dict.fromkeys(NODES, 200)
