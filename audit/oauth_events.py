"""Audit events for protocol decisions that no signal announces: consent, revocation, refresh-token reuse.

Each function is called with one line from the place the decision is made (provider.views.authorization.ConsentView and
provider.validator.OAuth2Validator), so those classes keep no audit logic of their own.
"""

from typing import Any

from oauth2_provider.models import get_application_model

from audit.models import AuditEvent
from audit.services import checksum_prefix, record_event


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


def record_revocation(*, request: Any, raw_token: str, token_type: str) -> None:
    """A client revoked one of its live tokens at the revocation endpoint (RFC 7009)."""
    if token_type:
        record_event(
            event=AuditEvent.Event.TOKEN_REVOKED,
            request=request,
            token_type=token_type,
            token_checksum=checksum_prefix(raw_token),
        )


def record_refresh_reuse(*, request: Any, refresh_token: Any) -> None:
    """A spent refresh token was presented again (RFC 9700 §4.14.2): its family has just been revoked.

    Called by the validator with the row it read; an admin then sees a likely stolen token.
    """
    record_event(
        event=AuditEvent.Event.REFRESH_REUSE_DETECTED,
        request=request,
        user=refresh_token.user,
        application=refresh_token.application,
        token_checksum=refresh_token.token_checksum[:8],
        token_family=str(refresh_token.token_family or ""),
        presented_by=getattr(getattr(request, "client", None), "client_id", "") or "",
    )
