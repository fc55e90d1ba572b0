"""Hostile DPoP proofs at the token endpoint: each is 400 invalid_dpop_proof and spends nothing (RFC 9449 §4.3, §5)."""

import base64
import json
import time

import pytest
from django.core.cache import caches
from django.core.management import call_command
from joserfc import jws
from joserfc.jwk import OctKey
from oauth2_provider.models import get_grant_model

from tests.dpop.proofs import dpop_proof, new_key, token_post, url
from tests.flows import obtain_code

pytestmark = pytest.mark.django_db

CLIENT_CREDENTIALS = {"grant_type": "client_credentials", "scope": "users:read"}
TOKEN_URL = url("oauth2_provider:token")


def _b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def _refused(response) -> None:
    assert response.status_code == 400, response.content
    assert response.json()["error"] == "invalid_dpop_proof"
    assert response.json()["error_description"]
    assert response["Cache-Control"] == "no-store"


def test_an_unsigned_proof_with_alg_none_is_refused(client, machine_app):
    key = new_key()
    header = {"typ": "dpop+jwt", "alg": "none", "jwk": key.as_dict(private=False)}
    claims = {"jti": "j1", "htm": "POST", "htu": TOKEN_URL, "iat": int(time.time())}

    _refused(token_post(client, machine_app, CLIENT_CREDENTIALS, HTTP_DPOP=f"{_b64(header)}.{_b64(claims)}."))


def test_a_proof_signed_with_a_shared_secret_is_refused(client, machine_app):
    shared = OctKey.generate_key(256)
    header = {"typ": "dpop+jwt", "alg": "HS256", "jwk": shared.as_dict(private=True)}
    claims = {"jti": "j2", "htm": "POST", "htu": TOKEN_URL, "iat": int(time.time())}
    signed = jws.serialize_compact(header, json.dumps(claims), shared, algorithms=["HS256"])

    _refused(token_post(client, machine_app, CLIENT_CREDENTIALS, HTTP_DPOP=signed))


def test_a_proof_carrying_its_private_key_is_refused(client, machine_app):
    key = new_key()
    proof = dpop_proof(key, htu=TOKEN_URL, header={"jwk": key.as_dict(private=True)})

    _refused(token_post(client, machine_app, CLIENT_CREDENTIALS, HTTP_DPOP=proof))


def test_a_proof_for_another_url_is_refused(client, machine_app):
    proof = dpop_proof(new_key(), htu="http://testserver/o/introspect/")

    _refused(token_post(client, machine_app, CLIENT_CREDENTIALS, HTTP_DPOP=proof))


def test_a_proof_for_another_method_is_refused(client, machine_app):
    proof = dpop_proof(new_key(), htm="GET", htu=TOKEN_URL)

    _refused(token_post(client, machine_app, CLIENT_CREDENTIALS, HTTP_DPOP=proof))


@pytest.mark.parametrize("age", [-120, 120])
def test_a_proof_from_too_long_ago_or_from_the_future_is_refused(client, machine_app, age):
    proof = dpop_proof(new_key(), htu=TOKEN_URL, iat=int(time.time()) - age)

    _refused(token_post(client, machine_app, CLIENT_CREDENTIALS, HTTP_DPOP=proof))


def test_a_replayed_proof_is_refused(client, machine_app):
    proof = dpop_proof(new_key(), htu=TOKEN_URL)
    assert token_post(client, machine_app, CLIENT_CREDENTIALS, HTTP_DPOP=proof).status_code == 200

    _refused(token_post(client, machine_app, CLIENT_CREDENTIALS, HTTP_DPOP=proof))


def _shared_cache(settings, backend: str, location: str) -> None:
    # A new settings.CACHES makes Django build new cache clients: nothing of the previous ones' memory is
    # kept, only what the backend itself stores, as for another app process.
    settings.CACHES = {**settings.CACHES, "default": {"BACKEND": backend, "LOCATION": location}}


@pytest.mark.parametrize(
    ("backend", "location"),
    [
        ("django.core.cache.backends.db.DatabaseCache", "dpop_shared_test"),
        ("django.core.cache.backends.redis.RedisCache", "redis"),
    ],
    ids=["database", "redis"],
)
def test_a_proof_replayed_to_another_process_is_refused_through_the_shared_cache(
    client, machine_app, settings, backend, location
):
    if location == "redis":
        if not settings.REDIS_URL_FOR_TESTS:
            pytest.skip("REDIS_URL_FOR_TESTS is not set")
        location = settings.REDIS_URL_FOR_TESTS
    else:
        call_command("createcachetable", location, verbosity=0)
    proof = dpop_proof(new_key(), htu=TOKEN_URL)
    _shared_cache(settings, backend, location)
    first = caches["default"]
    assert token_post(client, machine_app, CLIENT_CREDENTIALS, HTTP_DPOP=proof).status_code == 200

    _shared_cache(settings, backend, location)
    assert caches["default"] is not first

    _refused(token_post(client, machine_app, CLIENT_CREDENTIALS, HTTP_DPOP=proof))


def test_a_bad_proof_does_not_spend_the_authorization_code(browser, client, web_app):
    code, verifier = obtain_code(browser, web_app)
    data = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": web_app.redirect_uris.split()[0],
        "code_verifier": verifier,
    }

    _refused(token_post(client, web_app, data, HTTP_DPOP=dpop_proof(new_key(), htm="GET", htu=TOKEN_URL)))
    assert get_grant_model().objects.filter(code=code).exists()
    assert token_post(client, web_app, data, key=new_key()).status_code == 200


def test_garbage_in_the_dpop_header_is_refused(client, machine_app):
    _refused(token_post(client, machine_app, CLIENT_CREDENTIALS, HTTP_DPOP="not-a-jwt"))
