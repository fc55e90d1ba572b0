"""The demo web client refuses an ID token whose acr or auth_time does not meet what its sign-in asked for.

The provider never sends such a token (it requires what acr_values names), so these cases are built here:
they are what the client would meet at a provider that treats acr_values and max_age as mere hints.
"""

from demo.webclient.assurance import AUTH_TIME_LEEWAY, sign_in_refusal

MFA = "urn:idp:acr:mfa"
ASKED_AT = 1_800_000_000


def test_a_plain_sign_in_asks_nothing_and_accepts_any_acr():
    assert sign_in_refusal({"acr": "urn:idp:acr:pwd", "amr": ["pwd"]}, {"at": ASKED_AT}) is None


def test_asking_for_a_second_factor_accepts_the_multi_factor_acr():
    assert sign_in_refusal({"acr": MFA, "amr": ["mfa", "otp", "pwd"]}, {"acr_values": MFA, "at": ASKED_AT}) is None


def test_asking_for_a_second_factor_refuses_a_password_sign_in_and_says_how_it_was_made():
    refusal = sign_in_refusal({"acr": "urn:idp:acr:pwd", "amr": ["pwd"]}, {"acr_values": MFA, "at": ASKED_AT})

    assert refusal.code == "insufficient_acr"
    assert "urn:idp:acr:pwd (methods: pwd)" in refusal.message


def test_asking_for_a_second_factor_refuses_a_token_without_acr():
    assert sign_in_refusal({"amr": ["pwd"]}, {"acr_values": MFA, "at": ASKED_AT}).code == "insufficient_acr"


def test_max_age_0_accepts_a_sign_in_made_after_the_request():
    assert sign_in_refusal({"auth_time": ASKED_AT + 5}, {"max_age": 0, "at": ASKED_AT}) is None


def test_max_age_0_refuses_the_sign_in_from_before_the_request():
    refusal = sign_in_refusal({"auth_time": ASKED_AT - AUTH_TIME_LEEWAY - 1}, {"max_age": 0, "at": ASKED_AT})

    assert refusal.code == "stale_auth_time"


def test_max_age_refuses_a_token_without_a_usable_auth_time():
    for claims in ({}, {"auth_time": "yesterday"}, {"auth_time": True}):
        assert sign_in_refusal(claims, {"max_age": 0, "at": ASKED_AT}).code == "stale_auth_time", claims
