"""OpenID Connect RP-Initiated Logout: DOT's view, refusing hostile parameters instead of crashing."""

from urllib.parse import urlsplit

from oauth2_provider.exceptions import InvalidOIDCClientError, InvalidOIDCRedirectURIError
from oauth2_provider.models import get_application_model
from oauth2_provider.views import RPInitiatedLogoutView as DOTRPInitiatedLogoutView


class RPInitiatedLogoutView(DOTRPInitiatedLogoutView):
    """DOT's logout endpoint, answering ``invalid_request`` on its error page where DOT raised a 500.

    * ``client_id`` naming no client: DOT looks it up with ``.get()`` and lets DoesNotExist escape, so
      anyone could make the endpoint fail with ``?client_id=x``. RP-Initiated Logout 1.0 §2 makes
      client_id optional and says nothing about unknown ones; a 400 page that never redirects is safe.
    * a ``post_logout_redirect_uri`` Python cannot parse (e.g. the CVE-2022-36087 IPv6 literal
      ``http://[::::]/``): DOT's ``urlparse`` raises ValueError.
    """

    def validate_post_logout_redirect_uri(self, application, post_logout_redirect_uri):
        try:
            urlsplit(post_logout_redirect_uri or "")
        except ValueError as error:
            raise InvalidOIDCRedirectURIError("The post_logout_redirect_uri is not a valid URI.") from error
        return super().validate_post_logout_redirect_uri(application, post_logout_redirect_uri)

    def get_request_application(self, id_token, client_id):
        if client_id:
            application = get_application_model().objects.filter(client_id=client_id).first()
            if application is None:
                raise InvalidOIDCClientError()
            return application
        return super().get_request_application(id_token, client_id)
