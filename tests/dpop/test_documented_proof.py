"""The Python proof-maker of docs/dpop-and-client-assertions.md gets a bound token and uses it at the API."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from tests.dpop.proofs import new_key, url
from tests.flows import basic_auth, form_post

pytestmark = pytest.mark.django_db

PAGE = Path(settings.BASE_DIR) / "docs" / "dpop-and-client-assertions.md"


def documented_function():
    source = next(
        block for block in re.findall(r"```python\n(.*?)```", PAGE.read_text(), re.DOTALL) if "def dpop_proof" in block
    )
    namespace: dict = {}
    exec(compile(source, str(PAGE), "exec"), namespace)  # noqa: S102 - our own documentation page
    return namespace["dpop_proof"]


def test_the_documented_proofs_get_a_bound_token_and_present_it(client, machine_app):
    dpop_proof = documented_function()
    key = new_key()
    token_url = url("oauth2_provider:token")
    issued = form_post(
        client,
        reverse("oauth2_provider:token"),
        {"grant_type": "client_credentials", "scope": "users:read"},
        **basic_auth(machine_app.client_id),
        HTTP_DPOP=dpop_proof(key, "POST", token_url),
    )
    assert issued.status_code == 200, issued.content
    token = issued.json()["access_token"]

    response = client.get(
        reverse("api:user-list"),
        HTTP_AUTHORIZATION=f"DPoP {token}",
        HTTP_DPOP=dpop_proof(key, "GET", url("api:user-list"), access_token=token),
    )

    assert issued.json()["token_type"] == "DPoP"
    assert response.status_code == 200, response.content
