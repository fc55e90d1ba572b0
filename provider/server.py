"""The oauthlib server DOT drives (OAUTH2_SERVER_CLASS), configured for OAuth 2.1."""

import functools

from oauthlib.openid import Server as OIDCServer

from provider.authorization_request import check_authorization_parameters
from provider.dpop_binding import dpop_required_check
from provider.jwt_access_tokens import access_token_expires_in
from provider.pushed_authorization import check_pushed_when_required


class Server(OIDCServer):
    """oauthlib's OpenID Connect server that accepts only the S256 PKCE method and checks its parameters.

    DOT's COMPLIANT_BCP_RFC9700_PKCE_METHOD refuses ``plain`` only when the code is stored, after the
    user has already seen the consent page. Removing ``plain`` from the grants makes oauthlib refuse
    it while validating the authorization request, before anything is shown (RFC 9700 §2.1.1). The
    challenge's format, ``prompt`` and ``max_age`` are checked at the same point, the oauthlib way: a
    ``pre_auth`` validator of each code grant (provider.authorization_request), and so is the refusal of a
    client that must push its requests and did not (provider.pushed_authorization).

    Every token grant checks, once the client is authenticated, that a client registered to use DPoP sent a
    proof (provider.dpop_binding, a ``post_token`` validator).

    ``response_type`` is ``code`` only (OAuth 2.1 §4.1.1): the other handlers oauthlib registers are dropped.

    A JWT client's tokens live for the lifetime its admin set (provider.jwt_access_tokens): oauthlib asks a
    callable ``token_expires_in`` for each token, DOT passes ACCESS_TOKEN_EXPIRE_SECONDS, the others' lifetime.
    """

    def __init__(self, request_validator, *args, token_expires_in=None, **kwargs):
        if isinstance(token_expires_in, int):
            token_expires_in = functools.partial(access_token_expires_in, default=token_expires_in)
        super().__init__(request_validator, *args, token_expires_in=token_expires_in, **kwargs)
        # The OAuth grant and the one behind OpenID requests (openid_connect_auth proxies to its own).
        for grant in (self.auth_grant, self.openid_connect_auth.proxy_target):
            grant._code_challenge_methods = {"S256": grant._code_challenge_methods["S256"]}
            grant.custom_validators.pre_auth.append(check_authorization_parameters)
            grant.custom_validators.pre_auth.append(check_pushed_when_required)
        # RFC 9449 §5.2: a client registered to use DPoP is refused without a proof, once it is authenticated.
        token_grants = (
            self.auth_grant,
            self.openid_connect_auth.proxy_target,
            self.refresh_grant,
            self.password_grant,
            self.credentials_grant,
            self.device_code_grant,
        )
        for grant in token_grants:
            # OpenID grants proxy to an OAuth grant, whose validators are the ones that run.
            getattr(grant, "proxy_target", grant).custom_validators.post_token.append(dpop_required_check)
        # OAuth 2.1 has no implicit grant and discovery lists only "code": every other response_type (token,
        # id_token, the hybrids, none) is unsupported_response_type (RFC 6749 §4.1.2.1), not unauthorized_client.
        self._response_types = {"code": self._response_types["code"]}
