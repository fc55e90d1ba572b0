"""resource_verifier.drf with DPoP-bound JWT access tokens: the proof of the ``cnf.jkt`` key (RFC 9449 §7)."""

import pytest
from rest_framework.test import APIRequestFactory

from tests.dpop.proofs import dpop_proof, new_key
from tests.resource_verifier.test_drf_classes import ReportView, published, token  # noqa: F401 - fixture

URL = "http://testserver/reports/"
ALGS = 'algs="ES256 PS256 RS256 EdDSA"'


@pytest.fixture(autouse=True)
def _shared_cache(settings):
    """The resource server's cache, where used proofs are remembered."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "rv"}}


def get(authorization: str, proof: str | None = None):
    headers = {"HTTP_AUTHORIZATION": authorization}
    if proof is not None:
        headers["HTTP_DPOP"] = proof
    return ReportView.as_view()(APIRequestFactory().get("/reports/", **headers))


def test_a_bound_token_with_a_proof_of_its_key_reaches_the_view(published):  # noqa: F811
    key = new_key()
    bound = token(cnf={"jkt": key.thumbprint()})

    response = get(f"DPoP {bound}", dpop_proof(key, htm="GET", htu=URL, access_token=bound))

    assert response.status_code == 200, response.data


def test_a_bound_token_sent_as_a_bearer_token_is_invalid_token(published):  # noqa: F811
    bound = token(cnf={"jkt": new_key().thumbprint()})

    response = get(f"Bearer {bound}")

    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith('Bearer realm="reports", error="invalid_token"')


def test_a_proof_of_another_key_is_invalid_token_with_a_dpop_challenge(published):  # noqa: F811
    bound = token(cnf={"jkt": new_key().thumbprint()})

    response = get(f"DPoP {bound}", dpop_proof(new_key(), htm="GET", htu=URL, access_token=bound))

    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith('DPoP realm="reports", error="invalid_token"')
    assert response["WWW-Authenticate"].endswith(ALGS)


def test_an_unbound_token_with_the_dpop_scheme_is_invalid_token(published):  # noqa: F811
    key = new_key()
    unbound = token()

    response = get(f"DPoP {unbound}", dpop_proof(key, htm="GET", htu=URL, access_token=unbound))

    assert response.status_code == 401
    assert response.data["error"] == "invalid_token"


def test_a_replayed_proof_is_invalid_dpop_proof(published):  # noqa: F811
    key = new_key()
    bound = token(cnf={"jkt": key.thumbprint()})
    proof = dpop_proof(key, htm="GET", htu=URL, access_token=bound)
    assert get(f"DPoP {bound}", proof).status_code == 200

    response = get(f"DPoP {bound}", proof)

    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith('DPoP realm="reports", error="invalid_dpop_proof"')


def test_a_proof_with_a_wrong_ath_or_none_at_all_is_invalid_dpop_proof(published):  # noqa: F811
    key = new_key()
    bound = token(cnf={"jkt": key.thumbprint()})

    wrong_ath = get(f"DPoP {bound}", dpop_proof(key, htm="GET", htu=URL, access_token="another"))
    missing = get(f"DPoP {bound}")

    assert wrong_ath.data["error"] == "invalid_dpop_proof"
    assert missing.data["error"] == "invalid_dpop_proof"


def test_a_missing_scope_gets_a_dpop_challenge_naming_it(published):  # noqa: F811
    key = new_key()
    bound = token(cnf={"jkt": key.thumbprint()}, scope="notes:read")

    response = get(f"DPoP {bound}", dpop_proof(key, htm="GET", htu=URL, access_token=bound))

    assert response.status_code == 403
    assert response["WWW-Authenticate"].startswith('DPoP realm="reports", error="insufficient_scope"')
