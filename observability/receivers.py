"""Counts what signals report (tokens issued per grant, sign-in outcomes; metrics on only); clears the request id."""

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.core.signals import request_finished
from django.dispatch import receiver
from oauth2_provider.signals import app_authorized

from idp.settings import idp_settings
from observability.metrics import SIGN_INS, TOKENS_ISSUED, grant_label
from observability.request_id import NO_REQUEST, current_request_id


@receiver(request_finished, dispatch_uid="request_id_cleared")
def clear_request_id(sender, **kwargs) -> None:
    # Log lines after the response (a worker thread's, the next request's start) must not carry this id.
    current_request_id.set(NO_REQUEST)


@receiver(app_authorized, dispatch_uid="metrics_token_issued")
def _token_issued(sender, request, token, **kwargs) -> None:
    if idp_settings.METRICS_BEARER_TOKEN:
        TOKENS_ISSUED.labels(grant_label(request.POST.get("grant_type", ""))).inc()


@receiver(user_logged_in, dispatch_uid="metrics_sign_in_succeeded")
def _signed_in(sender, **kwargs) -> None:
    if idp_settings.METRICS_BEARER_TOKEN:
        SIGN_INS.labels("succeeded").inc()


@receiver(user_login_failed, dispatch_uid="metrics_sign_in_failed")
def _sign_in_failed(sender, **kwargs) -> None:
    if idp_settings.METRICS_BEARER_TOKEN:
        SIGN_INS.labels("failed").inc()


@receiver(user_locked_out, dispatch_uid="metrics_sign_in_locked_out")
def _locked_out(sender, **kwargs) -> None:
    if idp_settings.METRICS_BEARER_TOKEN:
        SIGN_INS.labels("locked_out").inc()
