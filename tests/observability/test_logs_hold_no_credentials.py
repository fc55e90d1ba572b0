"""The log lines of a whole flow, as production writes them (INFO, JSON), hold no token, code, secret or password."""

import logging

import pytest
from django.urls import reverse

from observability.logging import JsonFormatter, RequestIdFilter
from tests.factories import CLIENT_SECRET, USER_PASSWORD
from tests.flows import exchange_code, obtain_code, token_request


@pytest.fixture
def log_lines() -> list[str]:
    """Every record any logger writes at INFO and above, formatted as the JSON console handler would."""
    lines: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            lines.append(self.format(record))

    handler = Collect(level=logging.INFO)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    root = logging.getLogger()
    previous = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    yield lines
    root.removeHandler(handler)
    root.setLevel(previous)


def test_a_full_flow_logs_no_credential(client, browser, user, web_app, machine_app, log_lines):
    code, verifier = obtain_code(browser, web_app, scope="openid profile")
    tokens = exchange_code(client, web_app, code, verifier).json()
    refreshed = token_request(
        client, web_app, {"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]}
    ).json()
    # A replay (reuse detection revokes the family and says so in the log), a wrong secret, a wrong password.
    token_request(client, web_app, {"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]})
    token_request(client, machine_app, {"grant_type": "client_credentials"}, secret="a-wrong-secret")
    machine = token_request(client, machine_app, {"grant_type": "client_credentials"}).json()
    client.post(reverse("login"), {"username": user.username, "password": "a-wrong-password"})

    secrets = {
        "authorization code": code,
        "PKCE verifier": verifier,
        "access token": tokens["access_token"],
        "refresh token": tokens["refresh_token"],
        "ID token": tokens["id_token"],
        "rotated access token": refreshed["access_token"],
        "rotated refresh token": refreshed["refresh_token"],
        "machine token": machine["access_token"],
        "client secret": CLIENT_SECRET,
        "wrong client secret": "a-wrong-secret",
        "password": USER_PASSWORD,
        "wrong password": "a-wrong-password",
    }
    assert log_lines, "the flow should have logged something (sign-in failures, refusals)"
    leaks = [f"{what} in: {line}" for line in log_lines for what, value in secrets.items() if value in line]
    assert leaks == []
