"""Every piece of library code the project re-states is listed here, pinned by a digest of its source.

A re-statement is a copy of a library's method (DOT, oauthlib, DRF or Django) changed for a reason;
a private helper we call is a promise the library never made. An upgrade that changes either fails
here, so whoever upgrades reads the new version and carries its change over before the copy silently
drifts. Copies that bought only a statement or microseconds were removed; what is left saves queries
per request or fixes a behaviour, and says so below. Add a row with every new copy.
"""

import hashlib
import inspect

import pytest
from oauth2_provider.contrib.rest_framework import OAuth2Authentication
from oauth2_provider.models import AbstractAccessToken, AbstractRefreshToken
from oauth2_provider.oauth2_backends import OAuthLibCore, _add_iss_to_redirect
from oauth2_provider.oauth2_validators import OAuth2Validator
from oauth2_provider.views import IntrospectTokenView, TokenView

# (library code, sha256 of its source in the pinned version, where it is re-stated or used, why).
COPIES = [
    (
        OAuth2Validator.validate_refresh_token,
        "50e7ceb3ce23bfecfd26257cb834b5602343a32f65cef7e1c614af4992d31cbc",
        "provider.validator.OAuth2Validator.validate_refresh_token",
        "one locked read of the token with its user, access token and chain start (DOT: four reads, then a lock)",
    ),
    (
        OAuth2Validator._save_bearer_token,
        "bbf80b89d0b5645914c9cfc3081c210bafa76d726f5130be98c191c9c3934b7c",
        "provider.validator.OAuth2Validator._rotate_refresh_token",
        "rotation of the row validation already locked: no second lock, no grace re-read",
    ),
    (
        AbstractRefreshToken.revoke,
        "bb264f58c4f57543fb730ced75781e67289794c585158c67c55a6c4665505741",
        "tokens.rotation.refresh_token_retire",
        "retire a locked refresh token in one UPDATE plus its access token's delete (DOT: six statements)",
    ),
    (
        TokenView.authorization_flow_token_response,
        "82abd9808f7a91785c1b83f8a9ed73a03316328acf8dbacef8120d4f1c723c59",
        "provider.views.token.TokenView.authorization_flow_token_response",
        "app_authorized gets the token just saved instead of a re-read (one query and two loads per token)",
    ),
    (
        OAuth2Validator.validate_code,
        "7c0d04cfdf75a27ffb705ec5a58b1ae1add8f3c252b74b3e499db26c8c9c308d",
        "provider.validator.OAuth2Validator.validate_code",
        "the Grant read once per code exchange for every hook that asks about it (DOT reads it six times)",
    ),
    (
        OAuth2Validator._check_and_set_request_resource,
        "83be546872406c2c6f150743dd9412b7280bd5986efe138b314af409e58e1c36",
        "tokens.resources.token_request_resources_check",
        "RFC 8707 narrowing against the Grant validate_code read, not a re-read: 8 -> 7 queries per code exchange",
    ),
    (
        OAuth2Validator._validate_resource_uris,
        "1793cfb66691ad3e966b3b89b5caffbd467332af24194b9bc888d37011ac4114",
        "provider.validator.OAuth2Validator._check_and_set_request_resource",
        "DOT's private URI check, called by the re-statement above so resource URIs are judged as DOT does",
    ),
    (
        OAuth2Validator.confirm_redirect_uri,
        "96af690d4001320671936c185092c932b02dc1e5ddd763334c732972da5d9dc2",
        "provider.validator.OAuth2Validator.confirm_redirect_uri",
        "same read of the Grant",
    ),
    (
        OAuth2Validator.get_code_challenge,
        "1dfc26e1ae3c92270664bf03cdb981218c8f70712495af1127241b78a79bca06",
        "provider.validator.OAuth2Validator.get_code_challenge",
        "same read of the Grant",
    ),
    (
        OAuth2Validator.get_code_challenge_method,
        "a7b09d76e43c2e32d2c3c59fd4dba48528dc3036284cf8b1a251fee2f793d1a9",
        "provider.validator.OAuth2Validator.get_code_challenge_method",
        "same read of the Grant",
    ),
    (
        OAuth2Validator.get_authorization_code_nonce,
        "d3b7e7749e0175e642030b439b6899032bf2f7bf329c7a5d28356d9354f82134",
        "provider.validator.OAuth2Validator.get_authorization_code_nonce",
        "same read of the Grant",
    ),
    (
        OAuth2Validator.get_authorization_code_scopes,
        "53c4f795f10b3afdd073ecb5ea043822022af1c192b8539b59c4ffbc215cdb07",
        "provider.validator.OAuth2Validator.get_authorization_code_scopes",
        "same read of the Grant",
    ),
    (
        OAuth2Authentication.authenticate,
        "4bc80f93b689d48ddb12a8a5da19b07587e0c28ef5237b7e94980179cd2c8fe3",
        "token_cache.authentication.OAuth2Authentication.authenticate",
        "bearer check without building an oauthlib server per API call (DOT offers no hook for the call)",
    ),
    (
        OAuthLibCore.verify_request,
        "dbe558ba2f29274a56e45d4f0cfbc3af1cad6427e1b581aa787d77cb49b2b994",
        "token_cache.authentication.bearer_request_verify",
        "same: a cached token checked on its record, else validate_bearer_token called directly; header parsed once",
    ),
    (
        OAuth2Validator.validate_bearer_token,
        "2d69b8c2ea7e8d140da5f840aca896fb34785815838f4c297c92790a3a86c0ae",
        "provider.validator.OAuth2Validator.validate_bearer_token",
        "checks the token's cached value record: no query and no model instance per call (DOT loads all three)",
    ),
    (
        OAuth2Validator._set_oauth2_error_on_request,
        "48498584d236cfe3937afbd409312054c105e548b8f27fca6250ef1cd0092753",
        "token_cache.records.bearer_token_refusal",
        "DOT's refusal texts, re-stated for the checks on the record that the API's cached path makes too",
    ),
    (
        AbstractAccessToken.is_valid,
        "966d7e8e1271698d2ffd58dea9c4be2dc035fd2d666a7d82c36dc508dfcad794",
        "token_cache.records.BearerToken.is_valid",
        "the AccessToken's answers on an immutable record of values (tests/token_cache/test_bearer_token_record.py)",
    ),
    (
        AbstractAccessToken.is_expired,
        "48dbe72a343ce619879f047046e5f66bd0122c980494d24137bda74689257bd7",
        "token_cache.records.BearerToken.is_expired",
        "same, against a POSIX timestamp read once from the row",
    ),
    (
        AbstractAccessToken.allow_scopes,
        "7892ebfae24356e1e1dcc1739dcfc0587cec8d4c0959fac2346488abe08532ce",
        "token_cache.records.BearerToken.allow_scopes",
        "same, against a frozenset split once from the row",
    ),
    (
        AbstractAccessToken.allows_audience,
        "f6075174688d050b6e529f2b8e7e74c9140119db748d968cb5af0062b560ece3",
        "token_cache.records.BearerToken.allows_audience",
        "same, through DOT's configured RESOURCE_SERVER_TOKEN_RESOURCE_VALIDATOR",
    ),
    (
        IntrospectTokenView.get_token_response,
        "48b671db1fdc44c9c0c5ad0512981d3530bf4def370a4b959cec164d28bf63f8",
        "provider.views.introspection.IntrospectTokenView._description",
        "answered from the token cache (0 queries warm), with the RFC 7662 members DOT leaves out",
    ),
    (
        OAuthLibCore._extract_params,
        "245595e0039a3c544fad27663fab541649de5d72f2414073c874f1ef8cc61396",
        "provider.views.introspection.IntrospectTokenView.authenticate_client",
        "a private DOT method we call: the oauthlib request built exactly as DOT's endpoints build it",
    ),
    (
        OAuthLibCore._get_escaped_full_path,
        "7d57dd4bf5b5a0da180e8fa912234c3426c113fcca05ea9bad431034a26eb853",
        "token_cache.authentication.bearer_request_verify",
        "a private DOT method we call: the request URI RFC 8707 audience checks compare, escaped as DOT does",
    ),
    (
        _add_iss_to_redirect,
        "485cd370600089980251624b55f416d9ff3cc4887f20f01d8add2bb011b6c0ca",
        "provider.authorization_response.with_issuer",
        "a private DOT helper we call: RFC 9207 iss on error redirects, placed exactly as DOT places it",
    ),
]


def library_name(value) -> str:
    return getattr(value, "__qualname__", "")


@pytest.mark.parametrize(("code", "digest", "where", "why"), COPIES, ids=library_name)
def test_the_library_code_behind_a_copy_is_unchanged(code, digest, where, why):
    source = inspect.getsource(code)

    message = f"{code.__module__}.{code.__qualname__} changed: review {where} ({why})"
    assert hashlib.sha256(source.encode()).hexdigest() == digest, message


def test_every_copy_says_where_it_lives_and_why():
    for _code, _digest, where, why in COPIES:
        assert where.count(".") >= 2
        assert len(why) > 10


def test_oauthlib_still_keeps_its_pkce_methods_where_the_server_narrows_them_to_s256():
    """provider.server.Server replaces oauthlib's private ``_code_challenge_methods`` with S256 alone."""
    from oauthlib.oauth2.rfc6749.grant_types.authorization_code import AuthorizationCodeGrant

    from provider.server import Server
    from provider.validator import OAuth2Validator

    assert set(AuthorizationCodeGrant._code_challenge_methods) == {"plain", "S256"}
    server = Server(OAuth2Validator())
    for grant in (server.auth_grant, server.openid_connect_auth.proxy_target):
        assert set(grant._code_challenge_methods) == {"S256"}
