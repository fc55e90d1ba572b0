"""Signal receivers that record audit events for what Django and DOT already announce."""

from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver
from oauth2_provider.signals import app_authorized

from audit.models import SIGN_IN_LOCKOUT_LIMITS, AuditEvent
from audit.services import record_event
from tokens.signals import code_replay_detected, refresh_token_reuse_detected

User = get_user_model()


@receiver(user_logged_in, dispatch_uid="audit_login_succeeded")
def _login_succeeded(sender, request, user, **kwargs) -> None:
    record_event(event=AuditEvent.Event.LOGIN_SUCCEEDED, request=request, user=user)


@receiver(user_logged_out, dispatch_uid="audit_logout")
def _logged_out(sender, request, user, **kwargs) -> None:
    record_event(event=AuditEvent.Event.LOGOUT, request=request, user=user)


def _account_named(username: Any, *, lookup: str = "exact") -> Any:
    # No lookup for a name with a NUL: no account has one, and PostgreSQL refuses it even in a query.
    if not username or "\x00" in str(username):
        return None
    return User._default_manager.filter(**{f"{User.USERNAME_FIELD}__{lookup}": username}).first()


@receiver(user_login_failed, dispatch_uid="audit_login_failed")
def _login_failed(sender, credentials: dict[str, Any], request=None, **kwargs) -> None:
    # The account is named when it exists so admins see who is targeted; the typed username is not
    # stored, since people often type their password into the username field.
    account = _account_named(credentials.get(User.USERNAME_FIELD) or credentials.get("username"))
    record_event(
        event=AuditEvent.Event.LOGIN_FAILED,
        request=request,
        user=account,
        path=getattr(request, "path", ""),
        known_account=account is not None,
    )


@receiver(user_locked_out, dispatch_uid="audit_sign_in_locked_out")
def _sign_in_locked_out(sender, request, username=None, lockout_parameter=None, **kwargs) -> None:
    """django-axes (accounts.sign_in_lockout): failed sign-ins reached a limit, so sign-in is paused."""
    # For an account name the account is named when it exists (the name was case-folded for counting);
    # as for failures, the typed name itself is never stored.
    account = _account_named(username, lookup="iexact") if lockout_parameter == "username" else None
    record_event(
        event=AuditEvent.Event.THROTTLE_TRIGGERED,
        request=request,
        user=account,
        limit=SIGN_IN_LOCKOUT_LIMITS.get(lockout_parameter, "login"),
        max_failures=kwargs.get("max_failures"),
        window_seconds=kwargs.get("window_seconds"),
    )


@receiver(app_authorized, dispatch_uid="audit_token_issued")
def _token_issued(sender, request, token, **kwargs) -> None:
    """DOT sends this after each successful token endpoint response, with the new access token."""
    grant_type = request.POST.get("grant_type", "")
    refreshed = grant_type == "refresh_token"
    record_event(
        event=AuditEvent.Event.TOKEN_REFRESHED if refreshed else AuditEvent.Event.TOKEN_ISSUED,
        request=request,
        user=token.user,
        application=token.application,
        grant_type=grant_type,
        scopes=token.scope.split(),
        token_checksum=token.token_checksum[:8],
    )


@receiver(pre_save, sender=User, dispatch_uid="audit_user_deactivation_check")
def _note_deactivation(sender, instance, update_fields=None, **kwargs) -> None:
    # Look up the stored flag only when this save could switch an account off (saves such as
    # last_login updates name their fields and skip the query).
    instance._audit_deactivated = False
    if instance.pk is None or instance.is_active or (update_fields is not None and "is_active" not in update_fields):
        return
    instance._audit_deactivated = sender._default_manager.filter(pk=instance.pk, is_active=True).exists()


@receiver(post_save, sender=User, dispatch_uid="audit_user_deactivated")
def _user_deactivated(sender, instance, created, **kwargs) -> None:
    if getattr(instance, "_audit_deactivated", False):
        instance._audit_deactivated = False
        record_event(event=AuditEvent.Event.USER_DEACTIVATED, user=instance)


@receiver(code_replay_detected, dispatch_uid="audit_code_replay_detected")
def _code_replay_detected(sender, application, user, token_family, **kwargs) -> None:
    """tokens.replay: a redeemed code came back with the right client and verifier; its tokens were revoked."""
    record_event(
        event=AuditEvent.Event.CODE_REPLAY_DETECTED,
        user=user,
        application=application,
        token_family=str(token_family),
        tokens_revoked=True,
    )


@receiver(refresh_token_reuse_detected, dispatch_uid="audit_refresh_reuse_in_race")
def _refresh_reuse_in_race(sender, application, user, token_family, **kwargs) -> None:
    """tokens.issuance: a refresh token spent while this request was in flight (the validator path is
    recorded by audit.oauth_events)."""
    record_event(
        event=AuditEvent.Event.REFRESH_REUSE_DETECTED,
        user=user,
        application=application,
        token_family=str(token_family),
        concurrent=True,
    )
