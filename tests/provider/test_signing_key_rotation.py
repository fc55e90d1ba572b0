"""Signing key rotation: retired keys stay published in JWKS and keep verifying; new tokens use the active key."""

import json

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.urls import reverse
from jwcrypto import jwk, jwt

from tests.flows import redirect_query, tokens_for

pytestmark = pytest.mark.django_db


def new_pem() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


def kid_of(pem: str) -> str:
    return jwk.JWK.from_pem(pem.encode()).thumbprint()


def published_kids(http) -> list[str]:
    return [key["kid"] for key in http.get(reverse("oauth2_provider:jwks-info")).json()["keys"]]


def id_token_kid(id_token: str) -> str:
    token = jwt.JWT()
    token.deserialize(id_token)
    return token.token.jose_header["kid"]


@pytest.fixture
def use_keys(settings):
    """Switch the provider's signing keys the way a deployment's environment would."""

    def switch(active: str, *inactive: str) -> None:
        settings.OAUTH2_PROVIDER = {
            **settings.OAUTH2_PROVIDER,
            "OIDC_RSA_PRIVATE_KEY": active,
            "OIDC_RSA_PRIVATE_KEYS_INACTIVE": list(inactive),
        }

    return switch


@pytest.fixture(scope="module")
def old_key() -> str:
    return new_pem()


@pytest.fixture(scope="module")
def new_key() -> str:
    return new_pem()


def test_a_new_key_can_be_published_before_it_signs(client, browser, web_app, use_keys, old_key, new_key):
    use_keys(old_key, new_key)

    id_token = tokens_for(browser, client, web_app)["id_token"]

    assert published_kids(client) == [kid_of(old_key), kid_of(new_key)]
    assert id_token_kid(id_token) == kid_of(old_key)


def test_after_the_switch_tokens_are_signed_with_the_active_key(client, browser, web_app, use_keys, old_key, new_key):
    use_keys(new_key, old_key)

    id_token = tokens_for(browser, client, web_app)["id_token"]

    assert id_token_kid(id_token) == kid_of(new_key)
    jwt.JWT(jwt=id_token, key=jwk.JWK.from_pem(new_key.encode()))  # raises unless the signature is valid


def test_the_retired_key_stays_published_so_older_id_tokens_still_verify(
    client, browser, web_app, use_keys, old_key, new_key
):
    use_keys(old_key)
    older = tokens_for(browser, client, web_app)["id_token"]

    use_keys(new_key, old_key)

    assert kid_of(old_key) in published_kids(client)
    keys = jwk.JWKSet.from_json(client.get(reverse("oauth2_provider:jwks-info")).content)
    claims = json.loads(jwt.JWT(jwt=older, key=keys.get_key(id_token_kid(older))).claims)
    assert claims["aud"] == web_app.client_id


def test_the_private_parts_of_retired_keys_are_never_published(client, use_keys, old_key, new_key):
    use_keys(new_key, old_key)

    for key in client.get(reverse("oauth2_provider:jwks-info")).json()["keys"]:
        assert "d" not in key


def test_logout_accepts_an_id_token_signed_by_the_retired_key(client, browser, web_app, use_keys, old_key, new_key):
    use_keys(old_key)
    older = tokens_for(browser, client, web_app)["id_token"]
    use_keys(new_key, old_key)

    page = browser.get(
        reverse("oauth2_provider:rp-initiated-logout"),
        {"id_token_hint": older, "post_logout_redirect_uri": web_app.post_logout_redirect_uris, "state": "s"},
    )

    assert page.status_code == 200, page.content
    form = {name: value for name, value in page.context["form"].initial.items() if value is not None}
    response = browser.post(reverse("oauth2_provider:rp-initiated-logout"), {**form, "allow": "true"})
    assert response.status_code == 302
    assert redirect_query(response) == {"state": "s"}


def test_once_dropped_a_key_no_longer_verifies_anything(client, browser, web_app, use_keys, old_key, new_key):
    use_keys(old_key)
    older = tokens_for(browser, client, web_app)["id_token"]
    use_keys(new_key)

    response = browser.get(reverse("oauth2_provider:rp-initiated-logout"), {"id_token_hint": older})

    assert kid_of(old_key) not in published_kids(client)
    assert response.status_code == 400
