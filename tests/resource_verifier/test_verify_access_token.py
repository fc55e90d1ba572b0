"""resource_verifier.verify_access_token: RFC 9068 §4's checks, offline, on tokens of any provider."""

import base64
import hashlib
import hmac
import json
import time

import pytest
from joserfc import jws
from joserfc.jwk import ECKey, RSAKey

from resource_verifier import InsufficientScope, InvalidToken, verify_access_token

ISSUER = "https://idp.example.test"
AUDIENCE = "https://notes.example.test/"
RSA = RSAKey.generate_key(2048, parameters={"kid": "rsa-1"})
EC = ECKey.generate_key("P-256", parameters={"kid": "ec-1"})
PUBLISHED = {
    "rsa-1": RSAKey.import_key(RSA.as_dict(private=False)),
    "ec-1": ECKey.import_key(EC.as_dict(private=False)),
}


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def claims(**overrides) -> dict:
    now = int(time.time())
    values = {
        "iss": ISSUER,
        "aud": AUDIENCE,
        "exp": now + 60,
        "iat": now,
        "sub": "42",
        "client_id": "reports",
        "jti": "jti-1",
        "scope": "notes:read",
        **overrides,
    }
    return {name: value for name, value in values.items() if value is not None}


def signed(payload: dict, *, key=RSA, **header) -> str:
    alg = header.pop("alg", "ES256" if isinstance(key, ECKey) else "RS256")
    protected = {"typ": "at+jwt", "alg": alg, "kid": key.kid, **header}
    protected = {name: value for name, value in protected.items() if value is not None}
    return jws.serialize_compact(protected, json.dumps(payload).encode(), key, algorithms=[alg])


def verify(token: str, **options):
    return verify_access_token(token, key_for=PUBLISHED.get, issuer=ISSUER, audience_allowed=AUDIENCE, **options)


def refusal(token: str, **options) -> str:
    with pytest.raises(InvalidToken) as refused:
        verify(token, **options)
    return refused.value.description


def test_a_good_rs256_token_is_verified_with_its_claims():
    token = verify(signed(claims()), required_scopes=["notes:read"])

    assert (token.subject, token.client_id, token.jti) == ("42", "reports", "jti-1")
    assert token.scopes == {"notes:read"}
    assert token.audiences == (AUDIENCE,)


def test_an_es256_token_is_verified_too():
    assert verify(signed(claims(), key=EC)).subject == "42"


def test_the_long_media_type_is_accepted():
    assert verify(signed(claims(), typ="application/at+jwt")).jti == "jti-1"


def test_an_audience_list_including_this_server_is_accepted():
    assert verify(signed(claims(aud=["https://a.example.test/", AUDIENCE]))).jti == "jti-1"


def test_a_missing_scope_is_insufficient_scope():
    with pytest.raises(InsufficientScope) as refused:
        verify(signed(claims()), required_scopes=["notes:write"])

    assert refused.value.scopes == ("notes:write",)


def test_alg_none_is_refused():
    header = b64(json.dumps({"typ": "at+jwt", "alg": "none", "kid": "rsa-1"}).encode())
    token = f"{header}.{b64(json.dumps(claims()).encode())}."

    assert "algorithm" in refusal(token)


def test_hs256_with_the_public_key_as_secret_is_refused():
    header = b64(json.dumps({"typ": "at+jwt", "alg": "HS256", "kid": "rsa-1"}).encode())
    unsigned = f"{header}.{b64(json.dumps(claims()).encode())}"
    secret = RSA.as_pem(private=False)
    token = f"{unsigned}.{b64(hmac.new(secret, unsigned.encode(), hashlib.sha256).digest())}"

    assert "algorithm" in refusal(token)
    # Even a caller who put HS256 on its own list gets nothing: the allow-list is the module's too.
    assert "algorithm" in refusal(token, algorithms=("HS256",))


def test_an_allowed_algorithm_that_does_not_fit_the_key_is_a_bad_signature():
    # A token claiming ES256 under the RSA key's kid: joserfc refuses to use an RSA key for ES256.
    header = b64(json.dumps({"typ": "at+jwt", "alg": "ES256", "kid": "rsa-1"}).encode())
    forged = signed(claims(), key=EC).split(".")
    assert "signature" in refusal(f"{header}.{forged[1]}.{forged[2]}")


@pytest.mark.parametrize("typ", ["JWT", "jwt", "logout+jwt", "dpop+jwt", None])
def test_another_type_is_refused(typ):
    assert "at+jwt" in refusal(signed(claims(), typ=typ))


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"iss": "https://evil.example.test"}, "another server"),
        ({"aud": "https://other.example.test/"}, "not meant for this resource server"),
        ({"aud": None}, "no audience"),
        ({"exp": lambda: int(time.time()) - 60}, "expired"),
        ({"exp": None}, "no 'exp'"),
        ({"exp": "tomorrow"}, "not a date"),
        ({"nbf": lambda: int(time.time()) + 600}, "not valid yet"),
        ({"iat": lambda: int(time.time()) + 600}, "in the future"),
        ({"sub": None}, "no 'sub'"),
        ({"client_id": None}, "no 'client_id'"),
        ({"jti": None}, "no 'jti'"),
        ({"scope": ["notes:read"]}, "not a string"),
    ],
)
def test_a_bad_claim_is_refused(overrides, reason):
    # Times are computed when the test runs, not when it is collected: the whole suite takes minutes.
    now = {name: value() if callable(value) else value for name, value in overrides.items()}
    assert reason in refusal(signed(claims(**now)))


def test_clock_skew_within_the_leeway_is_tolerated():
    assert verify(signed(claims(exp=int(time.time()) - 5, nbf=int(time.time()) + 5))).jti == "jti-1"


def test_an_unknown_kid_is_refused():
    assert "does not know" in refusal(signed(claims(), kid="rsa-2"))


def test_a_token_without_a_kid_is_refused():
    assert "does not name" in refusal(signed(claims(), kid=None))


def test_a_key_in_the_header_is_refused():
    assert "header names keys" in refusal(signed(claims(), jwk=RSA.as_dict(private=False)))


def test_a_tampered_payload_is_refused():
    header, _payload, signature = signed(claims()).split(".")
    widened = b64(json.dumps(claims(scope="notes:read notes:write")).encode())

    assert "signature" in refusal(f"{header}.{widened}.{signature}")


def test_a_token_signed_by_an_unpublished_key_with_a_published_kid_is_refused():
    stranger = RSAKey.generate_key(2048, parameters={"kid": "rsa-1"})

    assert "signature" in refusal(signed(claims(), key=stranger))


def test_an_oversized_token_is_refused_before_decoding():
    assert "too long" in refusal(signed(claims(padding="x" * 10_000)))


@pytest.mark.parametrize("token", ["", "abc", "a.b", "a.b.c.d.e", "!!!.???.###", "eyJ9.eyJ9.c2ln"])
def test_garbage_is_refused(token):
    refusal(token)
