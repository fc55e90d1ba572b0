"""Pushed authorization requests (RFC 9126): store a validated request, hand back a request_uri, resolve it once.

A client POSTs its authorization request to the PAR endpoint (provider.views.pushed_authorization),
authenticated as at the token endpoint; the request is validated there exactly as the authorization
endpoint would, and stored. The browser then carries only ``client_id`` and ``request_uri`` to the
authorization endpoint (provider.views.authorization), which swaps them for the stored parameters: nothing
the user agent could read or alter travels through it.

* ``request_uri`` is ``urn:ietf:params:oauth:request_uri:`` plus 256 random bits; only its SHA-256 is
  stored, like every credential here.
* It is bound to the client that pushed it (RFC 9126 §4: the ``client_id`` sent with it must match).
* It is short-lived: the browser must arrive within PUSHED_AUTHORIZATION_REQUEST_SECONDS. Once it has,
  the request lives as long as a consent page does (sign-in and consent may take the user a while), so a
  reload or a sign-in round trip does not break it (RFC 9126 §4 allows this).
* It is used once: the first code or error sent back for it marks it used (one conditional UPDATE, so two
  concurrent approvals cannot both get a code), and any later presentation is ``invalid_request_uri``.
* Beside ``client_id`` and ``request_uri`` the authorization request may repeat a pushed parameter with the
  same value (OIDC Core §6.1 has clients repeat ``response_type`` and ``scope``); any other or differing
  parameter is refused with ``invalid_request``, never ignored and never merged.
* A client an admin marked "require pushed authorization requests" (or every client, with
  REQUIRE_PUSHED_AUTHORIZATION_REQUESTS) has any other authorization request refused (RFC 9126 §5).
"""

import contextlib
import secrets
from collections.abc import Iterator
from contextvars import ContextVar
from datetime import timedelta
from urllib.parse import urlencode

from django.utils import timezone
from django.utils.translation import gettext as _
from oauthlib.common import Request
from oauthlib.oauth2.rfc6749.errors import InvalidRequestError

from clients.models import Application
from consent.forms import CONSENT_PAGE_MAX_AGE_SECONDS
from idp.settings import idp_settings
from provider.models import PushedAuthorizationRequest
from tokens.checksums import sha256_hex

REQUEST_URI_PREFIX = "urn:ietf:params:oauth:request_uri:"
# What the browser brings in place of the request (RFC 9126 §4).
REFERENCE_PARAMETERS = frozenset({"client_id", "request_uri"})

# Set while oauthlib validates a pushed request (at the PAR endpoint, or its parameters at the authorization
# endpoint): the "must push" rule below is met by exactly those validations.
_pushed: ContextVar[bool] = ContextVar("pushed_authorization_request", default=False)


class PushedRequestRefused(Exception):
    """A request_uri the authorization endpoint cannot use; ``error`` is the OAuth error code to show."""

    def __init__(self, error: str, description: str):
        super().__init__(description)
        self.error = error
        self.description = description


@contextlib.contextmanager
def pushed_request_validation() -> Iterator[None]:
    """Mark the oauthlib validation run inside as that of a pushed request."""
    token = _pushed.set(True)
    try:
        yield
    finally:
        _pushed.reset(token)


def pushed_requests_required(application: Application) -> bool:
    """Whether ``application`` may send authorization requests only through the PAR endpoint."""
    return idp_settings.REQUIRE_PUSHED_AUTHORIZATION_REQUESTS or application.require_pushed_authorization_requests


def check_pushed_when_required(request: Request) -> dict:
    """oauthlib ``pre_auth`` validator: refuse a client that must push its requests and did not (RFC 9126 §5).

    It runs once the client and its redirect URI are known good, so the refusal goes back to the client.
    """
    if not _pushed.get() and pushed_requests_required(request.client):
        raise InvalidRequestError(
            description=_("This client must send its authorization requests to the pushed authorization endpoint."),
            request=request,
        )
    return {}


def pushed_request_store(*, application: Application, parameters: list[tuple[str, str]]) -> tuple[str, int]:
    """Keep a validated authorization request; the request_uri that names it and its lifetime in seconds."""
    request_uri = REQUEST_URI_PREFIX + secrets.token_urlsafe(32)
    lifetime = idp_settings.PUSHED_AUTHORIZATION_REQUEST_SECONDS
    PushedAuthorizationRequest.objects.create(
        reference_checksum=sha256_hex(request_uri),
        application=application,
        parameters=[list(pair) for pair in parameters],
        expires=timezone.now() + timedelta(seconds=lifetime),
    )
    return request_uri, lifetime


def pushed_request_resolve(*, query: list[tuple[str, str]]) -> PushedAuthorizationRequest:
    """The pushed request an authorization request's ``request_uri`` names, or PushedRequestRefused."""
    values: dict[str, str] = dict(query)
    request_uri = values.get("request_uri", "")
    pushed = None
    if request_uri.startswith(REQUEST_URI_PREFIX):
        pushed = (
            PushedAuthorizationRequest.objects.select_related("application")
            .filter(reference_checksum=sha256_hex(request_uri))
            .first()
        )
    now = timezone.now()
    # One answer for unknown, another client's, used and expired: none of them tells a guesser anything.
    if (
        pushed is None
        or pushed.application.client_id != values.get("client_id")
        or pushed.used is not None
        or (pushed.started is None and pushed.expires <= now)
        or (pushed.started is not None and pushed.started + timedelta(seconds=CONSENT_PAGE_MAX_AGE_SECONDS) <= now)
    ):
        raise PushedRequestRefused(
            "invalid_request_uri",
            _("The request_uri is unknown, expired, already used or was pushed by another client."),
        )
    pushed_pairs = [tuple(pair) for pair in pushed.parameters]
    for name, value in query:
        if name not in REFERENCE_PARAMETERS and (name, value) not in pushed_pairs:
            raise PushedRequestRefused(
                "invalid_request",
                _("With a request_uri, parameter %(name)r may only repeat the pushed request's value.")
                % {"name": name[:40]},
            )
    if pushed.started is None:
        PushedAuthorizationRequest.objects.filter(pk=pushed.pk, started__isnull=True).update(started=now)
    return pushed


def pushed_request_query(pushed: PushedAuthorizationRequest) -> str:
    """The pushed request as the query string the authorization endpoint validates."""
    return urlencode([tuple(pair) for pair in pushed.parameters])


def pushed_request_consume(pushed: PushedAuthorizationRequest) -> bool:
    """Mark the request used; False when another response already used it (a request_uri is used once)."""
    return bool(PushedAuthorizationRequest.objects.filter(pk=pushed.pk, used__isnull=True).update(used=timezone.now()))


def expired_pushed_requests():
    """Pushed requests no browser can use any more, for clear_expired_tokens."""
    now = timezone.now()
    started_before = now - timedelta(seconds=CONSENT_PAGE_MAX_AGE_SECONDS)
    return (
        PushedAuthorizationRequest.objects.filter(
            # Unused ones are kept while they could still be started or finished; used ones are kept no longer.
            used__isnull=False
        )
        | PushedAuthorizationRequest.objects.filter(started__isnull=True, expires__lte=now)
        | (PushedAuthorizationRequest.objects.filter(started__lte=started_before))
    )
