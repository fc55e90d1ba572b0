"""OpenID Connect RP-Initiated Logout: DOT's view, refusing hostile parameters instead of crashing."""

from urllib.parse import urlsplit

from django.utils.decorators import method_decorator
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from oauth2_provider.exceptions import InvalidOIDCClientError, InvalidOIDCRedirectURIError
from oauth2_provider.models import get_application_model
from oauth2_provider.views import RPInitiatedLogoutView as DOTRPInitiatedLogoutView


# CSRF is checked in post(): a POST without a valid token is a relying party's logout request, never a confirmation.
@method_decorator(csrf_exempt, name="dispatch")
class RPInitiatedLogoutView(DOTRPInitiatedLogoutView):
    """DOT's logout endpoint, answering ``invalid_request`` on its error page where DOT raised a 500.

    * ``client_id`` naming no client: DOT looks it up with ``.get()`` and lets DoesNotExist escape, so
      anyone could make the endpoint fail with ``?client_id=x``. RP-Initiated Logout 1.0 §2 makes
      client_id optional and says nothing about unknown ones; a 400 page that never redirects is safe.
    * a ``post_logout_redirect_uri`` Python cannot parse (e.g. the CVE-2022-36087 IPv6 literal
      ``http://[::::]/``): DOT's ``urlparse`` raises ValueError.

    RP-Initiated Logout 1.0 §2: the OP MUST accept the logout request by GET and by POST. DOT's view
    takes every POST for its confirmation form, so a relying party's POST met the CSRF check (403) or,
    without it, "logout denied". A POST that fails the CSRF check is the relying party's request and is
    answered exactly as the GET is (the confirmation page; nothing is signed out without it unless
    DOT's rules say no question is needed); the confirmation form keeps its CSRF check.
    """

    def post(self, request, *args, **kwargs):
        if _passes_csrf_check(request):
            return super().post(request, *args, **kwargs)  # the confirmation form
        request.GET = request.POST
        return self.get(request, *args, **kwargs)

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


def _passes_csrf_check(request) -> bool:
    """Whether ``request`` passes Django's CSRF check (this view is exempt from the middleware's)."""
    return csrf_protect(lambda checked: None)(request) is None
