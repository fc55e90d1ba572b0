"""Resource indicators (RFC 8707) on the code grant: the resources granted at /o/authorize/ reach the token."""

import hashlib

import pytest
from oauth2_provider.models import get_access_token_model, get_grant_model

from tests.flows import exchange_code, obtain_code

pytestmark = pytest.mark.django_db

API = "https://api.example.com/"
OTHER_API = "https://other.example.com/"


def stored_token(raw_token: str):
    return get_access_token_model().objects.get(token_checksum=hashlib.sha256(raw_token.encode()).hexdigest())


def test_the_resource_granted_at_authorization_is_bound_to_the_access_token(browser, client, web_app):
    code, verifier = obtain_code(browser, web_app, resource=API)

    response = exchange_code(client, web_app, code, verifier)

    assert response.status_code == 200
    assert stored_token(response.json()["access_token"]).resource == [API]


def test_a_token_request_may_narrow_the_granted_resources(browser, client, web_app):
    code, verifier = obtain_code(browser, web_app, resource=API)

    response = exchange_code(client, web_app, code, verifier, resource=API)

    assert response.status_code == 200
    assert stored_token(response.json()["access_token"]).resource == [API]


def test_a_token_request_for_a_resource_never_granted_is_invalid_target_and_leaves_the_code_unused(
    browser, client, web_app
):
    code, verifier = obtain_code(browser, web_app, resource=API)

    refused = exchange_code(client, web_app, code, verifier, resource=OTHER_API)

    assert refused.status_code == 400
    assert refused.json()["error"] == "invalid_target"
    # The refusal came before the code was consumed: the client can still redeem it correctly.
    assert get_grant_model().objects.filter(code=code).exists()
    assert exchange_code(client, web_app, code, verifier).status_code == 200


def test_without_a_resource_the_token_has_none(browser, client, web_app):
    code, verifier = obtain_code(browser, web_app)

    response = exchange_code(client, web_app, code, verifier)

    assert stored_token(response.json()["access_token"]).resource == []


def test_the_invalid_target_error_is_json_and_not_cached(browser, client, web_app):
    code, verifier = obtain_code(browser, web_app, resource=API)

    refused = exchange_code(client, web_app, code, verifier, resource=OTHER_API)

    assert refused["Content-Type"] == "application/json"
    assert refused["Cache-Control"] == "no-store"
