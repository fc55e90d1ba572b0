"""Audit events for protocol decisions that no signal announces: consent, revocation, refresh-token reuse.

Each function is called with one line from the place the decision is made (accounts.views.ConsentView and
accounts.oauth_validators.OAuth2Validator), so those classes keep no audit logic of their own.
"""

import hashlib
from typing import Any

from oauth2_provider.models import get_access_token_model, get_application_model, get_refresh_token_model

from audit.models import AuditEvent
from audit.services import record_event


def _checksum(raw_token: str) -> str:
    # Tokens are stored hashed (RFC 9700): rows are found by the SHA-256 of the raw value, as DOT does.
    return hashlib.sha256(raw_token.encode("utf-8")).hexdigest()


def record_consent_decision(*, request: Any, form: Any, issued: bool, remembered: bool) -> None:
    """After the consent form was handled: Allow that led to a code, or Deny."""
    data = form.cleaned_data
    client_id = data.get("client_id", "")
    if data.get("allow") and issued:
        record_event(
            event=AuditEvent.Event.CONSENT_GRANTED,
            request=request,
            client_id=client_id,
            application=_application(client_id),
            scopes=str(data.get("scope", "")).split(),
            remembered=remembered,
        )
    elif not data.get("allow"):
        record_event(
            event=AuditEvent.Event.CONSENT_DENIED,
            request=request,
            client_id=client_id,
            application=_application(client_id),
            scopes=sorted(getattr(form, "requested_scopes", None) or []),
        )


def _application(client_id: str):
    return get_application_model().objects.filter(client_id=client_id).first()


def live_token_type(*, raw_token: str, application: Any) -> str:
    """'access_token' / 'refresh_token' when ``raw_token`` is a live token of ``application``, else ''."""
    if getattr(application, "pk", None) is None:
        return ""
    checksum = _checksum(raw_token)
    if get_access_token_model().objects.filter(token_checksum=checksum, application=application).exists():
        return "access_token"
    if (
        get_refresh_token_model()
        .objects.filter(token_checksum=checksum, application=application, revoked__isnull=True)
        .exists()
    ):
        return "refresh_token"
    return ""


def record_revocation(*, request: Any, raw_token: str, token_type: str) -> None:
    """A client revoked one of its live tokens at the revocation endpoint (RFC 7009)."""
    if token_type:
        record_event(
            event=AuditEvent.Event.TOKEN_REVOKED,
            request=request,
            token_type=token_type,
            token_checksum=_checksum(raw_token)[:8],
        )


def record_refresh_reuse_if_detected(*, request: Any, raw_refresh_token: str) -> None:
    """After a refresh was refused: a revoked refresh token presented again is reuse (RFC 9700 §4.14.2).

    DOT has then revoked the token's whole family (REFRESH_TOKEN_REUSE_PROTECTION); record it so an
    admin sees a likely stolen token. Refusals for other reasons (unknown, expired, inactive user) are
    not reuse and are not recorded here.
    """
    reused = (
        get_refresh_token_model()
        .objects.filter(token_checksum=_checksum(raw_refresh_token), revoked__isnull=False)
        .select_related("application", "user")
        .order_by("-revoked")
        .first()
    )
    if reused is None:
        return
    record_event(
        event=AuditEvent.Event.REFRESH_REUSE_DETECTED,
        request=request,
        user=reused.user,
        application=reused.application,
        token_checksum=reused.token_checksum[:8],
        token_family=str(reused.token_family or ""),
        presented_by=getattr(getattr(request, "client", None), "client_id", "") or "",
    )
