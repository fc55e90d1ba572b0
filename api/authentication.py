"""Bearer-token authentication for the API: DOT's, strict about where the token travels and how refusals read."""

from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext_lazy as _

from api.challenges import REALM, bearer_challenge
from api.exceptions import InvalidRequest, InvalidToken
from token_cache.authentication import OAuth2Authentication


class BearerTokenAuthentication(OAuth2Authentication):
    """Accept an access token from the ``Authorization: Bearer`` header only (RFC 6750 §2.1, RFC 9700 §4.3.2).

    Token checks stay the validator's (``validate_bearer_token``, whose checks a cached token gets on its
    record: token_cache.authentication). ``request.auth`` is then the token's immutable record
    (token_cache.records.BearerToken: ``scope``, ``user_id``, ``application_id``, ``allow_scopes()``...),
    never a model instance, and ``request.user`` an instance of its user made for this request. What this
    class adds is what DOT leaves to each project: tokens elsewhere count as no token, a refused token
    raises a typed ``invalid_token`` error, and the challenge follows RFC 6750 §3.
    """

    www_authenticate_realm = REALM

    def authenticate(self, request):
        # Read from Django's request: DRF's answers Django's attributes only after a failed lookup of its own.
        meta = request._request.META
        header = meta.get("HTTP_AUTHORIZATION", "")
        if isinstance(header, bytes):  # a WSGI server passes latin-1 decoded text; tests may pass bytes
            header = header.decode("latin-1")
        scheme, _sep, credentials = header.partition(" ")
        if scheme.lower() != "bearer":
            # A token in the query string or a form body is never looked at: such tokens end up in logs,
            # browser history and Referer headers (RFC 9700 §4.3.2), so the request is simply anonymous.
            return None
        words = credentials.split()
        if len(words) != 1:
            self._refuse(request, InvalidRequest(_("Send the access token as 'Authorization: Bearer <token>'.")))
        # Most calls have no query string and no body: then no QueryDict is built or read.
        if (meta.get("QUERY_STRING") and "access_token" in request.query_params) or (
            meta.get("CONTENT_TYPE") and "access_token" in self._form_fields(request)
        ):
            # RFC 6750 §3.1: a request that uses more than one method to send a token is invalid_request.
            self._refuse(
                request,
                InvalidRequest(
                    _("Send the access token in the Authorization header only, not also in the URL or body.")
                ),
            )

        # The header is exactly "Bearer <token>" here: the check below need not parse it again.
        authenticated = self.authenticate_bearer(request, words[0])
        if authenticated is None:
            error = getattr(request, "oauth2_error", None) or {}
            self._refuse(request, InvalidToken(error.get("error_description") or None))
        user, token = authenticated
        if user is None:
            # A client-credentials token speaks for no user: an anonymous user keeps request.user usable,
            # and the permissions of each view decide whether such a token may be used there.
            return AnonymousUser(), token
        if not user.is_active:
            # Deactivation revokes tokens too; this is the backstop should a token outlive that.
            self._refuse(request, InvalidToken(_("The access token is no longer valid.")))
        return user, token

    def authenticate_header(self, request):
        """The 401 challenge: bare ``Bearer realm="api"`` without a token, else with the error (RFC 6750 §3.1)."""
        error = getattr(request, "oauth2_error", None) or {}
        return bearer_challenge(error=error.get("error", ""), error_description=error.get("error_description", ""))

    @staticmethod
    def _form_fields(request):
        # Only form bodies can carry a token (RFC 6750 §2.2); read Django's parsed form, never a JSON body.
        return request._request.POST if request.content_type.startswith("application/x-www-form-urlencoded") else {}

    @staticmethod
    def _refuse(request, exc: InvalidToken | InvalidRequest):
        request.oauth2_error = {"error": exc.default_code, "error_description": str(exc.detail)}
        raise exc
