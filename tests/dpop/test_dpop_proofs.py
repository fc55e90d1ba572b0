"""DPoP proofs (RFC 9449 §4.3): a good proof gives its key's thumbprint; each hostile variant is refused."""

import base64
import json
import secrets
import time

import pytest
from django.core.cache import cache
from joserfc import jws
from joserfc.jwk import ECKey, OctKey, OKPKey, RSAKey

from provider.dpop import ProofRefused, access_token_hash, dpop_nonce, dpop_proof_check

URI = "https://idp.example.com/o/token/"


@pytest.fixture(autouse=True)
def _forget_used_jti() -> None:
    cache.clear()


@pytest.fixture
def key():
    return ECKey.generate_key("P-256")


def proof(key, *, alg="ES256", header=None, **claims) -> str:
    payload = {"jti": secrets.token_urlsafe(12), "htm": "POST", "htu": URI, "iat": int(time.time())}
    payload.update(claims)
    payload = {name: value for name, value in payload.items() if value is not None}
    protected = {"typ": "dpop+jwt", "alg": alg, "jwk": key.as_dict(private=False), **(header or {})}
    return jws.serialize_compact(protected, json.dumps(payload), key, algorithms=[alg])


def _b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


@pytest.mark.parametrize(
    ("make_key", "alg"),
    [
        (lambda: ECKey.generate_key("P-256"), "ES256"),
        (lambda: RSAKey.generate_key(2048), "PS256"),
        (lambda: RSAKey.generate_key(2048), "RS256"),
        (lambda: OKPKey.generate_key("Ed25519"), "EdDSA"),
    ],
)
def test_a_good_proof_gives_the_rfc_7638_thumbprint_of_its_key(make_key, alg):
    key = make_key()

    checked = dpop_proof_check(proof(key, alg=alg), method="POST", uri=URI)

    assert checked.jkt == key.thumbprint()


def test_htu_is_compared_without_case_default_port_query_or_fragment(key):
    checked = dpop_proof_check(
        proof(key, htu="HTTPS://IDP.example.com:443/o/token/"), method="post", uri=URI + "?a=1#f"
    )

    assert checked.jkt == key.thumbprint()


def test_an_unsigned_proof_with_alg_none_is_refused(key):
    header = {"typ": "dpop+jwt", "alg": "none", "jwk": key.as_dict(private=False)}
    claims = {"jti": "x", "htm": "POST", "htu": URI, "iat": int(time.time())}

    with pytest.raises(ProofRefused):
        dpop_proof_check(f"{_b64(header)}.{_b64(claims)}.", method="POST", uri=URI)


def test_a_proof_signed_with_a_symmetric_algorithm_is_refused():
    shared = OctKey.generate_key(256)
    header = {"typ": "dpop+jwt", "alg": "HS256", "jwk": shared.as_dict(private=True)}
    claims = {"jti": "x", "htm": "POST", "htu": URI, "iat": int(time.time())}
    signed = jws.serialize_compact(header, json.dumps(claims), shared, algorithms=["HS256"])

    with pytest.raises(ProofRefused, match="not allowed"):
        dpop_proof_check(signed, method="POST", uri=URI)


def test_a_proof_carrying_the_private_key_in_its_header_is_refused(key):
    with pytest.raises(ProofRefused, match="private"):
        dpop_proof_check(proof(key, header={"jwk": key.as_dict(private=True)}), method="POST", uri=URI)


def test_a_proof_with_another_typ_is_refused(key):
    with pytest.raises(ProofRefused, match="typ"):
        dpop_proof_check(proof(key, header={"typ": "JWT"}), method="POST", uri=URI)


def test_a_proof_signed_by_another_key_than_its_header_names_is_refused(key):
    other = ECKey.generate_key("P-256")

    with pytest.raises(ProofRefused, match="signature"):
        dpop_proof_check(proof(other, header={"jwk": key.as_dict(private=False)}), method="POST", uri=URI)


@pytest.mark.parametrize(
    "claims",
    [
        {"htm": "GET"},
        {"htu": "https://idp.example.com/o/revoke_token/"},
        {"htu": "https://evil.example/o/token/"},
        {"htu": URI + "?x=1"},
    ],
    ids=["wrong htm", "wrong path", "wrong host", "htu with a query"],
)
def test_a_proof_for_another_method_or_url_is_refused(key, claims):
    with pytest.raises(ProofRefused, match=r"htm|htu"):
        dpop_proof_check(proof(key, **claims), method="POST", uri=URI)


def test_a_replayed_proof_is_refused_the_second_time(key):
    signed = proof(key)
    dpop_proof_check(signed, method="POST", uri=URI)

    with pytest.raises(ProofRefused, match="used before"):
        dpop_proof_check(signed, method="POST", uri=URI)


@pytest.mark.parametrize("offset", [-3600, -120, 120, 3600], ids=["an hour old", "stale", "future", "far future"])
def test_a_proof_with_a_stale_or_future_iat_is_refused(key, offset):
    with pytest.raises(ProofRefused, match="iat"):
        dpop_proof_check(proof(key, iat=int(time.time()) + offset), method="POST", uri=URI)


def test_a_proof_without_jti_is_refused(key):
    with pytest.raises(ProofRefused, match="jti"):
        dpop_proof_check(proof(key, jti=None), method="POST", uri=URI)


def test_at_a_resource_the_proof_must_hash_the_presented_access_token(key):
    api = "https://idp.example.com/api/me/"
    good = proof(key, htm="GET", htu=api, ath=access_token_hash("the-token"))
    assert dpop_proof_check(good, method="GET", uri=api, access_token="the-token").jkt == key.thumbprint()

    with pytest.raises(ProofRefused, match="ath"):
        dpop_proof_check(
            proof(key, htm="GET", htu=api, ath=access_token_hash("another-token")),
            method="GET",
            uri=api,
            access_token="the-token",
        )
    with pytest.raises(ProofRefused, match="ath"):
        dpop_proof_check(proof(key, htm="GET", htu=api), method="GET", uri=api, access_token="the-token")


def test_when_a_nonce_is_required_only_a_fresh_server_nonce_passes(key):
    with pytest.raises(ProofRefused) as refused:
        dpop_proof_check(proof(key), method="POST", uri=URI, nonce_required=True)
    assert refused.value.error == "use_dpop_nonce"

    stale = dpop_nonce(now=time.time() - 3600)
    with pytest.raises(ProofRefused):
        dpop_proof_check(proof(key, nonce=stale), method="POST", uri=URI, nonce_required=True)
    with pytest.raises(ProofRefused):
        dpop_proof_check(proof(key, nonce="123.forged"), method="POST", uri=URI, nonce_required=True)

    assert dpop_proof_check(proof(key, nonce=dpop_nonce()), method="POST", uri=URI, nonce_required=True).jkt


def test_garbage_in_the_dpop_header_is_refused():
    for value in ["", "a.b", "a.b.c", "x" * 9000]:
        with pytest.raises(ProofRefused):
            dpop_proof_check(value, method="POST", uri=URI)
