"""Writing audit events: the one function every part of the provider calls to record a security event."""

import logging
import re
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser

from audit.models import AuditEvent
from audit.request_meta import user_agent
from idp.client_address import client_address
from tokens.checksums import sha256_hex

log = logging.getLogger(__name__)

# Keys that name a credential. Their values are dropped however they got here: an audit row is read by
# many admins and kept for years, so a credential in it would be a leak that never expires.
_CREDENTIAL_WORDS = ("secret", "password", "token", "code", "verifier", "assertion", "authorization", "cookie")
# ...except these, which hold only a checksum prefix, a type name or a family id, never a credential.
_ALLOWED_KEYS = {
    "token_checksum",
    "token_type",
    "token_type_hint",
    "token_family",
    "code_checksum",
    # A yes/no saying tokens were revoked (code replay), not a token.
    "tokens_revoked",
}
_MAX_TEXT = 200
_MAX_ITEMS = 50
# Control characters never belong in an event, and PostgreSQL refuses a NUL in a text column outright.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _text(value: Any, limit: int = _MAX_TEXT) -> str:
    return _CONTROL.sub("\N{REPLACEMENT CHARACTER}", str(value))[:limit]


def checksum_prefix(raw_value: str) -> str:
    """The first 8 hex digits of the SHA-256 of a token or code: enough to match the admin's masked
    token column (``sha256:…``), far too little to recover or use the value."""
    return sha256_hex(raw_value)[:8]


def _is_credential_key(key: str) -> bool:
    lowered = key.lower()
    return lowered not in _ALLOWED_KEYS and any(word in lowered for word in _CREDENTIAL_WORDS)


def _small(value: Any) -> Any:
    """Keep details small and JSON-friendly: short strings, short lists, plain scalars."""
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, list | tuple | set | frozenset):
        items = sorted(value) if isinstance(value, set | frozenset) else value
        return [_small(item) for item in list(items)[:_MAX_ITEMS]]
    return _text(value)


def clean_details(details: dict[str, Any]) -> dict[str, Any]:
    """``details`` without credential-named keys, with every value cut down to size."""
    cleaned = {}
    for key, value in details.items():
        if _is_credential_key(key):
            # A caller passed a credential: drop it and say so (by key only) so tests and logs catch it.
            log.error("Audit detail %r dropped: audit events never store credentials.", key)
            continue
        cleaned[_text(key, 40)] = _small(value)
    return cleaned


def record_event(
    *,
    event: str,
    request: Any = None,
    user: AbstractBaseUser | None = None,
    application: Any = None,
    **details: Any,
) -> AuditEvent:
    """Append one audit event and return it.

    ``request`` may be a Django ``HttpRequest`` or the oauthlib ``Request`` a validator receives; the IP
    address and user agent come from it. ``user`` defaults to the request's signed-in user, ``application``
    to the request's authenticated client (oauthlib's ``request.client``). Pass ``client_id=`` for a client
    that may not exist (e.g. a failed authentication). Everything else lands in ``details``: give scopes,
    grant types, reasons and ``checksum_prefix(raw)`` — never a token, code, secret or password, which are
    dropped here if passed anyway.

    The row is written in the caller's transaction: call it where the surrounding work commits (or from
    ``transaction.on_commit``) if an event must survive the request failing afterwards.
    """
    if user is None:
        candidate = getattr(request, "user", None)
        if isinstance(candidate, AbstractBaseUser) and candidate.is_authenticated:
            user = candidate
    if application is None:
        candidate = getattr(request, "client", None)
        # Only a stored client: oauthlib may carry a placeholder before authentication succeeds.
        if getattr(candidate, "pk", None) is not None and hasattr(candidate, "client_id"):
            application = candidate
    client_id = details.pop("client_id", None) or getattr(application, "client_id", "") or ""
    return AuditEvent.objects.create(
        event=AuditEvent.Event(event),
        user=user,
        application=application,
        client_id=_text(client_id, 100),
        ip=client_address(request),
        user_agent=_text(user_agent(request)),
        details=clean_details(details),
    )
