"""The API's exception handler: every error as ``{"error", "error_description"}`` JSON, RFC 6750/9449 challenges."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.views import exception_handler as drf_exception_handler

from api.challenges import challenge_for
from api.exceptions import InsufficientScope, RequestTooLarge, UseDPoPNonce
from provider.dpop import dpop_nonce


def _error_code(exc: exceptions.APIException) -> str:
    if isinstance(exc, exceptions.ValidationError):
        return "validation_error"
    return exc.default_code


def _error_description(exc: exceptions.APIException) -> str:
    if isinstance(exc, exceptions.ValidationError):
        if isinstance(exc.detail, list):
            return " ".join(str(message) for message in exc.detail)
        return str(_("Some fields are invalid; see fields."))
    return str(exc.detail)


def api_exception_handler(exc, context):
    """DRF's handler, with the body reshaped to the OAuth error format and the RFC 6750 403 challenge added."""
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, RequestDataTooBig):
        # Django would answer with its HTML 400 page; an API client gets JSON and the precise status.
        exc = RequestTooLarge()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    body = {"error": _error_code(exc), "error_description": _error_description(exc)}
    if isinstance(exc, exceptions.ValidationError) and isinstance(exc.detail, dict):
        body["fields"] = exc.detail
    if isinstance(exc, InsufficientScope):
        # A 403 carries the challenge too, naming the scopes to ask for (RFC 6750 §3, §3.1).
        response["WWW-Authenticate"] = challenge_for(
            context.get("request"),
            error=exc.default_code,
            error_description=body["error_description"],
            scope=" ".join(exc.scopes),
        )
    if isinstance(exc, UseDPoPNonce):
        # RFC 9449 §9: the nonce to put in the next proof travels in this header.
        response["DPoP-Nonce"] = dpop_nonce()
    response.data = body
    return response
