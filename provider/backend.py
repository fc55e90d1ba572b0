"""The Django-to-oauthlib adapter DOT drives (OAUTH2_BACKEND_CLASS): every value sent, and the session's sign-in.

DOT's ``OAuthLibCore.extract_body`` keeps only the last value of a repeated body parameter (except
RFC 8707's ``resource``), which hides the repetition from oauthlib's own duplicate-parameter checks
(RFC 6749 §3.1-3.2: "parameters MUST NOT be included more than once"). Passing every value lets
oauthlib refuse repeats it knows about with its own ``invalid_request``; provider.request_guard refuses
the rest before any view runs.

When a code is issued, DOT hands oauthlib the signed-in user with the authorization credentials; the
moment that user signed in (provider.authentication) travels the same way, to be stored with the code.
"""

from django.http import HttpRequest
from oauth2_provider import oauth2_backends

from accounts.sessions import session_sid
from provider.authentication import session_amr, session_auth_time


class OAuthLibCore(oauth2_backends.OAuthLibCore):
    """DOT's adapter with every repeated body value kept, in the order sent, and the sign-in behind a code."""

    def extract_body(self, request: HttpRequest) -> list[tuple[str, str]]:
        return [(key, value) for key, values in request.POST.lists() for value in values]

    def create_authorization_response(self, request: HttpRequest, scopes, credentials: dict, allow: bool):
        # Read by the validator's _create_authorization_code as request.auth_time, beside DOT's request.user.
        # The session's sid goes the same way, for the ID tokens' sid claim (accounts.sessions), and how the
        # user signed in (RFC 8176 amr), read as request.amr.
        credentials = {
            **credentials,
            "auth_time": session_auth_time(request),
            "sid": session_sid(request),
            "amr": session_amr(request),
        }
        return super().create_authorization_response(request, scopes, credentials, allow)
