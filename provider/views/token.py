"""The token and revocation endpoints: DOT's views with the RFC details they miss put right.

* A 401 ``invalid_client`` carries a ``Basic`` challenge (RFC 6749 §5.2: the scheme the client used;
  oauthlib answers ``Bearer``, which no client authenticates with here).
* Device-code polling (RFC 8628 §3.4-3.5): an unknown code is ``invalid_grant`` (DOT answers a 404),
  a code is bound to the client it was issued to, an expired one is ``expired_token``, polling faster
  than the interval is ``slow_down`` (DOT leaves it as a TODO), and a device code buys tokens once
  (DOT's stays "authorized", so every later poll minted a fresh token pair).
* DPoP (RFC 9449 §5): a ``DPoP`` header is checked first and binds the tokens issued to its key
  (provider.dpop_binding).
"""

import json
import re

from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils.decorators import method_decorator
from django.views.decorators.debug import sensitive_post_parameters
from oauth2_provider.models import get_access_token_model, get_device_grant_model
from oauth2_provider.signals import app_authorized
from oauth2_provider.views import RevokeTokenView as DOTRevokeTokenView
from oauth2_provider.views import TokenView as DOTTokenView
from oauthlib.oauth2.rfc6749.errors import InvalidGrantError
from oauthlib.oauth2.rfc8628.errors import ExpiredTokenError, SlowDownError

from provider.client_credentials import presented_by_http_request
from provider.dpop import ProofRefused
from provider.dpop_binding import endpoint_request_proof, proof_refused_response, with_fresh_nonce
from provider.responses import (
    CLIENT_CHALLENGE,  # noqa: F401 - provider.views.pushed_authorization imports it here
    no_store,
    oauth2_error_response,
    protocol_error,
    with_client_challenge,
)
from provider.state import token_request
from tokens.checksums import sha256_hex

# RFC 8628 §3.5: each slow_down adds five seconds to the interval the client must keep.
SLOW_DOWN_STEP_SECONDS = 5


DEVICE_CODE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
# RFC 7636 §4.1: code-verifier = 43*128unreserved, unreserved = ALPHA / DIGIT / "-" / "." / "_" / "~"
CODE_VERIFIER = re.compile(r"[A-Za-z0-9\-._~]{43,128}")


def _malformed(request: HttpRequest) -> str:
    """Why a token request is invalid_request where DOT would answer otherwise, or "" when it is not.

    * no ``grant_type``: oauthlib answers unsupported_grant_type; RFC 6749 §5.2 calls a missing
      parameter invalid_request;
    * a device-code poll without ``device_code``: DOT reads it unchecked, a 500 (RFC 8628 §3.4: REQUIRED);
    * a code exchange without ``code_verifier`` or with one RFC 7636 §4.1 does not allow (43 to 128
      unreserved characters): every code here has a challenge (PKCE is required), so the verifier is a
      required parameter, and a malformed one is a malformed request; oauthlib calls both invalid_grant,
      which RFC 7636 §4.6 keeps for a well-formed verifier that does not match.
    """
    grant_type = request.POST.get("grant_type", "")
    if not grant_type:
        return "Missing grant_type parameter."
    if grant_type == DEVICE_CODE_GRANT and not request.POST.get("device_code"):
        return "Missing device_code parameter."
    if grant_type == "authorization_code":
        verifier = request.POST.get("code_verifier", "")
        if not verifier:
            return "Missing code_verifier parameter."
        if not CODE_VERIFIER.fullmatch(verifier):
            return "The code_verifier must be 43 to 128 characters from A-Z a-z 0-9 - . _ ~ (RFC 7636 4.1)."
    return ""


class TokenView(DOTTokenView):
    """DOT's token endpoint with a Basic challenge on 401 and RFC 8628 device-code polling rules.

    It also sends ``app_authorized`` with the access token the validator has just saved, where DOT's
    view reads that row back by checksum (one query per token issued, and then the receivers' loads of
    its user and client, which the saved instance already holds).
    """

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        # One transaction for the whole exchange (see tokens.issuance): the claim of the code or refresh
        # token, the ID token, the tokens and the audit row commit together or not at all, so one of
        # several concurrent redemptions wins and a failure half-way leaves no row behind. token_request()
        # opens the state the validator fills and this view reads back (provider.state).
        if problem := _malformed(request):
            return protocol_error("invalid_request", problem)
        # RFC 9449 §5: a DPoP proof is checked before anything else, so a bad one spends no code or token.
        try:
            proof = endpoint_request_proof(request)
        except ProofRefused as error:
            return with_client_challenge(proof_refused_response(error))
        with transaction.atomic(), token_request() as state:
            self.request_state = state
            state.dpop_jkt = proof.jkt if proof is not None else None
            response = super().post(request, *args, **kwargs)
        return with_fresh_nonce(with_client_challenge(response), request)

    @method_decorator(sensitive_post_parameters("password", "client_secret"))
    def authorization_flow_token_response(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        """DOT's method, with ``app_authorized`` given the token the validator saved (provider.state)."""
        _url, headers, body, status = self.create_token_response(request)
        if status == 200:
            raw_token = json.loads(body).get("access_token")
            if raw_token is not None:
                checksum = sha256_hex(raw_token)
                issued = self.request_state.issued_access_token
                # DOT's re-read stays the fallback for a response whose token was not saved just now.
                if issued is None or issued.token_checksum != checksum:
                    issued = get_access_token_model().objects.get(token_checksum=checksum)
                app_authorized.send(sender=self, request=request, token=issued)
        response = HttpResponse(content=body, status=status)
        for name, value in headers.items():
            response[name] = value
        if status != 200 and not any(name.lower() == "content-type" for name in headers):
            # An OAuth2Error raised during DOT's token save (e.g. RFC 8707 invalid_target) comes back with
            # no headers at all; RFC 6749 §5.2 error bodies are JSON and, like every token response, no-store.
            response["Content-Type"] = "application/json"
            no_store(response)
        return response

    def device_flow_token_response(self, request: HttpRequest, device_code: str, *args, **kwargs) -> HttpResponse:
        model = get_device_grant_model()
        # The row lock serialises concurrent polls of one code, so only one of them can redeem it.
        with transaction.atomic():
            device = model.objects.select_for_update().filter(device_code=device_code).first()
            # A code issued to another client is as good as unknown to this one (RFC 6749 §5.2).
            if device is None or device.client_id != presented_by_http_request(request).client_id:
                return oauth2_error_response(InvalidGrantError(description="Unknown device code."))
            if device.is_expired():
                return oauth2_error_response(ExpiredTokenError())
            if device.status == model.AUTHORIZATION_PENDING and self._polled_too_fast(device):
                device.interval += SLOW_DOWN_STEP_SECONDS
                device.save(update_fields=["interval"])
                # The longer interval counts from this poll on.
                cache.set(self._poll_key(device), True, timeout=device.interval)
                return oauth2_error_response(SlowDownError())
            response = super().device_flow_token_response(request, device_code, *args, **kwargs)
            if response.status_code == 200:
                # One device code, one token response, like an authorization code (RFC 6749 §4.1.2).
                device.delete()
        return no_store(response)

    @staticmethod
    def _polled_too_fast(device) -> bool:
        """Whether this poll came sooner than the device's interval after the previous one.

        The previous poll is remembered in the shared cache (Redis or the database in production),
        so every app process sees it; ``add`` only succeeds when no poll happened within the interval.
        """
        return not cache.add(TokenView._poll_key(device), True, timeout=device.interval)

    @staticmethod
    def _poll_key(device) -> str:
        return f"device-poll:{device.pk}"


class RevokeTokenView(DOTRevokeTokenView):
    """DOT's revocation endpoint (RFC 7009) with a Basic challenge on 401."""

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        return with_client_challenge(super().post(request, *args, **kwargs))
