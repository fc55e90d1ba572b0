"""RFC 9207: the issuer identifier on every authorization response, error responses included.

DOT adds ``iss`` when it issues a code; its error redirects (access_denied, invalid_scope,
login_required, consent_required...) leave without one, which RFC 9207 §2 does not allow: a client
defending against mix-up attacks must be able to check the sender of an error as well.
"""

from django.http import HttpRequest
from oauth2_provider.oauth2_backends import _add_iss_to_redirect
from oauth2_provider.settings import oauth2_settings


def with_issuer(redirect_uri: str, request: HttpRequest) -> str:
    """``redirect_uri`` carrying this server's ``iss`` (the RFC 8414 issuer), replacing any already there."""
    if not oauth2_settings.COMPLIANT_BCP_RFC9700_AUTHZ_RESPONSE_ISS:
        return redirect_uri
    # DOT's own helper, so successful and error responses put ``iss`` in the same place.
    return _add_iss_to_redirect(redirect_uri, oauth2_settings.oauth2_authorization_server_issuer(request))
