"""The oauthlib server DOT drives (OAUTH2_SERVER_CLASS), configured for OAuth 2.1."""

from oauthlib.openid import Server as OIDCServer


class Server(OIDCServer):
    """oauthlib's OpenID Connect server that accepts only the S256 PKCE method.

    DOT's COMPLIANT_BCP_RFC9700_PKCE_METHOD refuses ``plain`` only when the code is stored, after the
    user has already seen the consent page. Removing ``plain`` from the grants makes oauthlib refuse
    it while validating the authorization request, before anything is shown (RFC 9700 §2.1.1).
    """

    def __init__(self, request_validator, *args, **kwargs):
        super().__init__(request_validator, *args, **kwargs)
        for grant in (self.auth_grant, self.openid_connect_auth.proxy_target):
            grant._code_challenge_methods = {"S256": grant._code_challenge_methods["S256"]}
