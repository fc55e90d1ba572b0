"""The DOT code we re-state (tokens, accounts.token_transaction, accounts.token_endpoints) is unchanged.

An upgrade of django-oauth-toolkit that changes one of these methods fails here, so whoever upgrades
reads the new version and carries its change over before the re-statement silently drifts from it.
"""

import hashlib
import inspect

import pytest
from oauth2_provider.models import AbstractRefreshToken
from oauth2_provider.oauth2_validators import OAuth2Validator
from oauth2_provider.views import TokenView

# sha256 of each method's source in oauth2_provider 3.4.1, and where it is re-stated.
RESTATED = [
    (
        OAuth2Validator.validate_refresh_token,
        "50e7ceb3ce23bfecfd26257cb834b5602343a32f65cef7e1c614af4992d31cbc",
        "tokens.validator.TokenLifecycleMixin.validate_refresh_token",
    ),
    (
        OAuth2Validator._save_bearer_token,
        "bbf80b89d0b5645914c9cfc3081c210bafa76d726f5130be98c191c9c3934b7c",
        "tokens.validator.TokenLifecycleMixin._rotate_refresh_token",
    ),
    (
        AbstractRefreshToken.revoke,
        "bb264f58c4f57543fb730ced75781e67289794c585158c67c55a6c4665505741",
        "tokens.rotation.refresh_token_retire",
    ),
    (
        OAuth2Validator.finalize_id_token,
        "fda062f4b8116e477dbc7bb8dd7436fc43ee7446cf1a66132f3e898314ebd84e",
        "accounts.token_transaction.EndpointTransactionMixin.finalize_id_token",
    ),
    (
        TokenView.authorization_flow_token_response,
        "82abd9808f7a91785c1b83f8a9ed73a03316328acf8dbacef8120d4f1c723c59",
        "accounts.token_endpoints.TokenView.authorization_flow_token_response",
    ),
]


def method_name(value) -> str:
    return getattr(value, "__qualname__", "")


@pytest.mark.parametrize(("method", "digest", "restated_in"), RESTATED, ids=method_name)
def test_the_dot_method_behind_a_restatement_is_unchanged(method, digest, restated_in):
    source = inspect.getsource(method)

    message = f"DOT changed {method.__qualname__}: review {restated_in}"
    assert hashlib.sha256(source.encode()).hexdigest() == digest, message
