"""Client assertions an attacker could send: each is refused with invalid_client and issues nothing."""

import base64
import json
import time

import pytest
from django.urls import reverse
from joserfc import jwt
from joserfc.jwk import OctKey

from tests.client_assertions.keys import KEY_FOR_ALGORITHM, assertion, assertion_form
from tests.factories import CLIENT_SECRET
from tests.flows import form_post

pytestmark = pytest.mark.django_db

GRANT = {"grant_type": "client_credentials"}


def token(client, signed: str, **extra):
    return form_post(client, reverse("oauth2_provider:token"), {**GRANT, **assertion_form(signed), **extra})


def refused(response) -> bool:
    return response.status_code == 401 and response.json()["error"] == "invalid_client"


def _b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def test_an_unsigned_assertion_with_alg_none_is_refused(client, key_app):
    now = int(time.time())
    claims = {
        "iss": key_app.client_id,
        "sub": key_app.client_id,
        "aud": "http://testserver/o/token/",
        "exp": now + 60,
        "jti": "n",
    }
    unsigned = f"{_b64({'alg': 'none'})}.{_b64(claims)}."

    assert refused(token(client, unsigned))


def test_an_assertion_signed_with_the_client_secret_as_hmac_key_is_refused_for_a_private_key_jwt_client(
    client, key_app
):
    # The method is the client's: a private_key_jwt client's assertion must be signed with its key.
    now = int(time.time())
    claims = {
        "iss": key_app.client_id,
        "sub": key_app.client_id,
        "aud": "http://testserver/o/token/",
        "exp": now + 60,
        "jti": "h",
    }
    signed = jwt.encode({"alg": "HS256"}, claims, OctKey.import_key(CLIENT_SECRET), algorithms=["HS256"])

    assert refused(token(client, signed))


def test_an_assertion_signed_by_another_key_with_the_same_kid_is_refused(client, key_app):
    stranger = KEY_FOR_ALGORITHM["RS256"]()

    assert refused(token(client, assertion(stranger, key_app.client_id)))


@pytest.mark.parametrize("audience", ["https://elsewhere.example/o/token/", "http://testserver/o/token/?x=1", []])
def test_an_assertion_for_another_audience_is_refused(client, key_app, client_key, audience):
    assert refused(token(client, assertion(client_key, key_app.client_id, aud=audience)))


def test_an_assertion_whose_subject_is_another_client_is_refused(client, key_app, client_key, machine_app):
    assert refused(token(client, assertion(client_key, key_app.client_id, sub=machine_app.client_id)))
    assert refused(token(client, assertion(client_key, key_app.client_id, iss=machine_app.client_id)))


def test_a_replayed_assertion_is_refused_the_second_time(client, key_app, client_key):
    signed = assertion(client_key, key_app.client_id)

    assert token(client, signed).status_code == 200
    assert refused(token(client, signed))


@pytest.mark.parametrize(
    "claims",
    [
        {"exp": None},
        {"exp": -120},
        {"exp": 3600},
        {"iat": 600},
        {"nbf": 600},
        {"iat": -3600, "exp": 60},
        {"jti": None},
        {"exp": "soon"},
    ],
    ids=[
        "no exp",
        "expired",
        "too long-lived",
        "iat in the future",
        "nbf in the future",
        "stale iat",
        "no jti",
        "text exp",
    ],
)
def test_an_assertion_with_bad_dates_or_no_jti_is_refused(client, key_app, client_key, claims):
    now = int(time.time())
    relative = {name: (now + value if isinstance(value, int) else value) for name, value in claims.items()}

    assert refused(token(client, assertion(client_key, key_app.client_id, **relative)))


def test_an_unknown_assertion_type_is_refused(client, key_app, client_key):
    form = {**GRANT, **assertion_form(assertion(client_key, key_app.client_id)), "client_assertion_type": "urn:x"}

    assert refused(form_post(client, reverse("oauth2_provider:token"), form))


def test_a_garbled_assertion_is_refused(client, key_app):
    assert refused(token(client, "not.a.jwt"))
    assert refused(token(client, "%%%"))


def test_an_assertion_beside_a_public_client_id_does_not_pass_as_a_public_client(client, public_app, client_key):
    form = {"grant_type": "refresh_token", "refresh_token": "x", "client_id": public_app.client_id}

    response = form_post(client, reverse("oauth2_provider:token"), {**form, **assertion_form("a.b.c")})

    assert response.status_code == 401
