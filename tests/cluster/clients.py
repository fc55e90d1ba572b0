"""Clients of the cluster: a person's browser and an OAuth client, each noting which node answered it."""

import time
from collections.abc import Callable
from urllib.parse import urlencode

import requests
from django.contrib.auth.hashers import Argon2PasswordHasher, make_password

from accounts.models import User
from demo.browser_standin import BrowserStandIn
from tests.cluster.topology import Cluster
from tests.factories import CLIENT_SECRET, USER_PASSWORD, UserFactory
from tests.flows import authorize_params, pkce_pair

WAIT_SECONDS = 10.0  # a bound for a failing test to end, not a measurement


def person() -> User:
    """A user whose password the nodes can check: production's hasher (the tests' own is faster, and unknown there)."""
    user = UserFactory()
    user.password = make_password(USER_PASSWORD, hasher=Argon2PasswordHasher())
    user.save(update_fields=["password"])
    return user


def _note_node(served: list[str]) -> Callable:
    def hook(response: requests.Response, *args, **kwargs) -> None:
        served.append(response.headers.get("X-Served-By", "-"))

    return hook


class Browser(BrowserStandIn):
    """The person's browser on the load balancer; ``served`` lists the node of each answer, in order."""

    def __init__(self, cluster: Cluster, username: str):
        super().__init__(username=username, password=USER_PASSWORD, say=lambda _text: None)
        self.cluster = cluster
        self.http = cluster.session()
        self.served: list[str] = []
        self.http.hooks["response"].append(_note_node(self.served))

    def authorize_code(self, app) -> tuple[str, str]:
        """Ask for a code for ``app`` (signing in and consenting if the provider asks); (code, verifier)."""
        verifier, challenge = pkce_pair()
        redirect_uri = app.redirect_uris.split()[0]
        url = f"{self.cluster.url}/o/authorize/?{urlencode(authorize_params(app, challenge=challenge))}"
        location = self.authorize(url, redirect_uri=redirect_uri)
        code = dict(part.split("=", 1) for part in location.split("?", 1)[1].split("&"))["code"]
        return code, verifier


class Client:
    """An OAuth client (or resource server) talking to the load balancer."""

    def __init__(self, cluster: Cluster):
        self.cluster = cluster
        self.http = cluster.session()
        self.served: list[str] = []
        self.http.hooks["response"].append(_note_node(self.served))

    def post(self, path: str, data: dict, *, client_id: str | None = None, secret: str = CLIENT_SECRET):
        auth = (client_id, secret) if client_id else None
        return self.http.post(f"{self.cluster.url}{path}", data=data, auth=auth, timeout=30)

    def token(self, data: dict, **auth) -> requests.Response:
        return self.post("/o/token/", data, **auth)

    def exchange(self, app, code: str, verifier: str) -> requests.Response:
        data = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": app.redirect_uris.split()[0],
            "code_verifier": verifier,
        }
        return self.token(data, client_id=app.client_id)

    def me(self, access_token: str) -> requests.Response:
        return self.http.get(
            f"{self.cluster.url}/api/me/", headers={"Authorization": f"Bearer {access_token}"}, timeout=30
        )

    def statuses_per_node(self, call: Callable[[], requests.Response]) -> dict[str, int]:
        """The status each node answers ``call`` with (round-robin: three consecutive calls, three nodes)."""
        answers = {}
        for _ in range(len(self.cluster.nodes)):
            response = call()
            answers[response.headers["X-Served-By"]] = response.status_code
        return answers

    def until_every_node_answers(self, call: Callable[[], requests.Response], status: int) -> dict[str, int]:
        """Call through the balancer until each node has answered ``status`` (bounded); the last answers."""
        deadline = time.monotonic() + WAIT_SECONDS
        answers: dict[str, int] = {}
        while time.monotonic() < deadline:
            response = call()
            answers[response.headers["X-Served-By"]] = response.status_code
            if len(answers) == len(self.cluster.nodes) and set(answers.values()) == {status}:
                break
        return answers
