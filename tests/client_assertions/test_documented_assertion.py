"""The Python example of docs/dpop-and-client-assertions.md builds an assertion the token endpoint accepts."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from clients.models import TokenEndpointAuthMethod
from tests.client_assertions.keys import KEY_FOR_ALGORITHM, assertion_form, public_jwks
from tests.factories import MachineApplicationFactory
from tests.flows import form_post

pytestmark = pytest.mark.django_db

PAGE = Path(settings.BASE_DIR) / "docs" / "dpop-and-client-assertions.md"


def documented_function():
    source = re.search(r"```python\n(.*?)```", PAGE.read_text(), re.DOTALL)[1]
    namespace: dict = {}
    exec(compile(source, str(PAGE), "exec"), namespace)  # noqa: S102 - our own documentation page
    return namespace["client_assertion"]


def test_the_documented_assertion_authenticates_at_the_token_endpoint(client):
    key = KEY_FOR_ALGORITHM["ES256"]()
    app = MachineApplicationFactory(
        token_endpoint_auth_method=TokenEndpointAuthMethod.PRIVATE_KEY_JWT, jwks=public_jwks(key)
    )
    signed = documented_function()(key, app.client_id, "http://testserver/o/token/")

    response = form_post(
        client, reverse("oauth2_provider:token"), {"grant_type": "client_credentials", **assertion_form(signed)}
    )

    assert response.status_code == 200, response.content
