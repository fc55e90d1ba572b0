"""The device authorization endpoint (RFC 8628 §3.1), held to each client's grants and allowed scopes."""

from django.http import HttpRequest, HttpResponse
from oauth2_provider.views import DeviceAuthorizationView as DOTDeviceAuthorizationView
from oauthlib.oauth2 import DeviceApplicationServer
from oauthlib.oauth2.rfc6749 import errors, utils

from provider.client_credentials import presented_by_http_request
from provider.responses import no_store, with_client_challenge

DEVICE_CODE_GRANT_TYPE = "urn:ietf:params:oauth:grant-type:device_code"


class DeviceAuthorizationServer(DeviceApplicationServer):
    """oauthlib's device endpoint, which checks the client but neither its grant nor the scope it asks for.

    Refusing here, rather than only when the device polls the token endpoint, keeps a client that was
    never given the device grant from getting a user code to show people (RFC 8628 §3.2 answers with the
    RFC 6749 §5.2 errors: unauthorized_client, invalid_scope).
    """

    def validate_device_authorization_request(self, request) -> None:
        try:
            super().validate_device_authorization_request(request)
        except errors.InvalidClientIdError as error:
            # An unknown client is invalid_client (RFC 6749 §5.2, which RFC 8628 §3.2 refers to), not
            # oauthlib's invalid_request.
            raise errors.InvalidClientError(request=request) from error
        validator = self.request_validator
        if not validator.validate_grant_type(request.client_id, DEVICE_CODE_GRANT_TYPE, request.client, request):
            raise errors.UnauthorizedClientError(request=request)
        scopes = utils.scope_to_list(request.scope) if request.scope else []
        if scopes and not validator.validate_scopes(request.client_id, scopes, request.client, request):
            raise errors.InvalidScopeError(request=request)


class DeviceAuthorizationView(DOTDeviceAuthorizationView):
    """DOT's device authorization view driving :class:`DeviceAuthorizationServer`, never cached.

    The answer holds a live device code (RFC 8628 §3.2 shows it sent with ``Cache-Control: no-store``).
    """

    server_class = DeviceAuthorizationServer

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        presented = presented_by_http_request(request)
        if "client_id" not in request.POST and presented.client_id and presented.method in ("basic", "assertion"):
            # RFC 8628 §3.1: client_id is REQUIRED only of a client that does not authenticate. oauthlib and
            # DOT's view read it from the body, so the identity the client authenticates with is put there.
            request.POST = request.POST.copy()
            request.POST["client_id"] = presented.client_id
        return no_store(with_client_challenge(super().post(request, *args, **kwargs)))
