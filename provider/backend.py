"""The Django-to-oauthlib adapter DOT drives (OAUTH2_BACKEND_CLASS), passing oauthlib every value it was sent.

DOT's ``OAuthLibCore.extract_body`` keeps only the last value of a repeated body parameter (except
RFC 8707's ``resource``), which hides the repetition from oauthlib's own duplicate-parameter checks
(RFC 6749 §3.1-3.2: "parameters MUST NOT be included more than once"). Passing every value lets
oauthlib refuse repeats it knows about with its own ``invalid_request``; provider.request_guard refuses
the rest before any view runs.
"""

from django.http import HttpRequest
from oauth2_provider import oauth2_backends


class OAuthLibCore(oauth2_backends.OAuthLibCore):
    """DOT's adapter with every repeated body value kept, in the order sent."""

    def extract_body(self, request: HttpRequest) -> list[tuple[str, str]]:
        return [(key, value) for key, values in request.POST.lists() for value in values]
