"""The pushed authorization request endpoint (RFC 9126 §2): a client posts its request, gets a request_uri."""

from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.debug import sensitive_post_parameters
from oauth2_provider.oauth2_backends import get_oauthlib_core
from oauthlib.common import Request
from oauthlib.oauth2.rfc6749.errors import FatalClientError, OAuth2Error
from oauthlib.openid.connect.core.exceptions import ConsentRequired, InteractionRequired, LoginRequired

from provider.dpop import ProofRefused
from provider.dpop_binding import endpoint_request_proof, proof_refused_response, with_fresh_nonce
from provider.pushed_authorization import pushed_request_store, pushed_request_validation
from provider.responses import protocol_error, protocol_json
from provider.views.token import CLIENT_CHALLENGE

# Sent at the PAR endpoint to authenticate, not part of the authorization request that is stored.
CLIENT_AUTHENTICATION_PARAMETERS = frozenset({"client_secret", "client_assertion", "client_assertion_type"})
# What the signed-in user's session decides later, at the authorization endpoint, not now: with nobody
# signed in at the PAR endpoint, oauthlib's prompt=none checks would answer for a user who is not there.
DECIDED_WITH_THE_USER = (LoginRequired, ConsentRequired, InteractionRequired)


@method_decorator(csrf_exempt, name="dispatch")  # a client-to-server endpoint authenticated by the client
@method_decorator(sensitive_post_parameters("client_secret", "client_assertion"), name="dispatch")
class PushedAuthorizationView(View):
    """RFC 9126 §2.1-2.3: authenticate the client as at the token endpoint, validate, store, answer 201."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest) -> HttpResponse:
        core = get_oauthlib_core()
        pairs = [(name, value) for name, values in request.POST.lists() for value in values]
        headers = core.extract_headers(request)
        oauth_request = Request(request.build_absolute_uri(), "POST", urlencode(pairs), headers)
        validator = core.server.request_validator
        if validator.client_authentication_required(oauth_request):
            authenticated = validator.authenticate_client(oauth_request)
        else:
            authenticated = bool(oauth_request.client_id) and validator.authenticate_client_id(
                oauth_request.client_id, oauth_request
            )
        if not authenticated:
            challenge = {"WWW-Authenticate": CLIENT_CHALLENGE}
            return protocol_error("invalid_client", _("Client authentication failed."), status=401, headers=challenge)
        client = oauth_request.client
        names = {name for name, _value in pairs}
        try:
            proof = endpoint_request_proof(request)
        except ProofRefused as error:
            return proof_refused_response(error)
        if "request_uri" in names:
            # RFC 9126 §2.1: a pushed request cannot itself point at another one.
            return protocol_error("invalid_request", _("A pushed authorization request cannot contain request_uri."))
        if "request" in names:
            # RFC 9101 request objects are not supported, pushed or not (discovery: request_parameter_supported).
            description = _("Request objects (the request parameter) are not supported.")
            return protocol_error("request_not_supported", description)
        if dict(pairs).get("client_id") != client.client_id:
            # RFC 9126 §2.1: the request's client_id is the authenticated client's, and it is required.
            return protocol_error("invalid_request", _("client_id must be the authenticated client's identifier."))
        authorization = [(name, value) for name, value in pairs if name not in CLIENT_AUTHENTICATION_PARAMETERS]
        if proof is not None:
            # RFC 9449 §10.1: a proof here binds the code to its key, as dpop_jkt does; both must name one key.
            named = dict(authorization).get("dpop_jkt")
            if named is not None and named != proof.jkt:
                return protocol_error("invalid_dpop_proof", _("The DPoP proof's key is not the one dpop_jkt names."))
            if named is None:
                authorization.append(("dpop_jkt", proof.jkt))
        uri = f"{request.build_absolute_uri(reverse('oauth2_provider:authorize'))}?{urlencode(authorization)}"
        try:
            with pushed_request_validation():
                core.server.validate_authorization_request(uri, http_method="GET", headers=headers)
        except DECIDED_WITH_THE_USER:
            pass
        except (FatalClientError, OAuth2Error) as error:
            # RFC 9126 §2.3: the authorization endpoint's errors, in the token endpoint's JSON format.
            return protocol_error(error.error, error.description or "", status=400)
        request_uri, expires_in = pushed_request_store(application=client, parameters=authorization)
        return with_fresh_nonce(
            protocol_json({"request_uri": request_uri, "expires_in": expires_in}, status=201), request
        )
