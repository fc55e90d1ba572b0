"""Failed client assertions count against the client they name, like wrong secrets (provider.throttling)."""

import pytest
from django.urls import reverse

from tests.client_assertions.keys import KEY_FOR_ALGORITHM, assertion, assertion_form
from tests.flows import form_post
from tests.idp import set_idp

pytestmark = pytest.mark.django_db


def test_a_client_named_by_failing_assertions_is_blocked_even_for_a_good_one(client, settings, key_app, client_key):
    set_idp(settings, CLIENT_AUTH_MAX_FAILURES=3, CLIENT_AUTH_MAX_FAILURES_PER_IP=100)
    stranger = KEY_FOR_ALGORITHM["RS256"]()
    grant = {"grant_type": "client_credentials"}
    for _ in range(3):
        signed = assertion(stranger, key_app.client_id)
        assert (
            form_post(client, reverse("oauth2_provider:token"), {**grant, **assertion_form(signed)}).status_code == 401
        )

    signed = assertion(client_key, key_app.client_id)
    response = form_post(client, reverse("oauth2_provider:token"), {**grant, **assertion_form(signed)})

    assert response.status_code == 429, response.content
