"""The oauthlib server DOT drives (OAUTH2_SERVER_CLASS), configured for OAuth 2.1."""

from oauthlib.openid import Server as OIDCServer

from provider.authorization_request import check_authorization_parameters


class Server(OIDCServer):
    """oauthlib's OpenID Connect server that accepts only the S256 PKCE method and checks its parameters.

    DOT's COMPLIANT_BCP_RFC9700_PKCE_METHOD refuses ``plain`` only when the code is stored, after the
    user has already seen the consent page. Removing ``plain`` from the grants makes oauthlib refuse
    it while validating the authorization request, before anything is shown (RFC 9700 §2.1.1). The
    challenge's format, ``prompt`` and ``max_age`` are checked at the same point, the oauthlib way: a
    ``pre_auth`` validator of each code grant (provider.authorization_request).
    """

    def __init__(self, request_validator, *args, **kwargs):
        super().__init__(request_validator, *args, **kwargs)
        # The OAuth grant and the one behind OpenID requests (openid_connect_auth proxies to its own).
        for grant in (self.auth_grant, self.openid_connect_auth.proxy_target):
            grant._code_challenge_methods = {"S256": grant._code_challenge_methods["S256"]}
            grant.custom_validators.pre_auth.append(check_authorization_parameters)
