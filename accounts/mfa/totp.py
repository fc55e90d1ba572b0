"""TOTP (RFC 6238) on django-otp's device: enrolment confirmed by a first code, and checking a code, once.

django-otp's ``TOTPDevice`` keeps the last accepted time step (``last_t``) and accepts only later ones,
so a code is never accepted twice, even within its 30 seconds; it also backs off exponentially after
each wrong code. The device row is locked while a code is checked, so two requests racing with the same
code cannot both pass. A user has at most one confirmed device: confirming a new one replaces the old.
Adding and removing a device are audited (audit.AuditEvent: mfa.totp_added, mfa.totp_removed).
"""

import base64

import segno
from django.db import transaction
from django.http import HttpRequest
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.models import AuditEvent
from audit.services import record_event

DEVICE_NAME = "Authenticator app"
CODE_DIGITS = 6


def totp_device(*, user) -> TOTPDevice | None:
    """The user's confirmed TOTP device, if any."""
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).first()


def totp_enrolment_start(*, user) -> TOTPDevice:
    """The unconfirmed device the enrolment page shows (the same one until it is confirmed or replaced)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    return device or TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)


def totp_secret(device: TOTPDevice) -> str:
    """The shared secret as authenticator apps take it typed in: base32, in groups of four."""
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def totp_qr_svg(device: TOTPDevice) -> str:
    """The otpauth:// URI as an inline SVG QR code, rendered here (no image service, no CDN)."""
    return segno.make(device.config_url, error="m").svg_inline(scale=5, dark="#111", light="#fff", title="QR code")


def looks_like_totp(code: str) -> bool:
    return len(code) == CODE_DIGITS and code.isascii() and code.isdigit()


def totp_verify(*, device: TOTPDevice, code: str) -> bool:
    """Whether ``code`` is right for ``device`` now and its time step was not used before (then it is used)."""
    if not looks_like_totp(code):
        return False
    with transaction.atomic():
        locked = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        return locked.verify_token(code)


@transaction.atomic
def totp_enrolment_confirm(*, user, device: TOTPDevice, code: str, request: HttpRequest | None = None) -> bool:
    """Confirm the new device with its first code; it then replaces any device the user had."""
    if device.user_id != user.pk or device.confirmed or not totp_verify(device=device, code=code):
        return False
    replaced = totp_device(user=user) is not None
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    TOTPDevice.objects.filter(pk=device.pk).update(confirmed=True)
    # A new factor is what an attacker who got into a session would add to keep the account: audited.
    record_event(event=AuditEvent.Event.MFA_TOTP_ADDED, request=request, user=user, replaced=replaced)
    return True


@transaction.atomic
def totp_remove(*, user, request: HttpRequest | None = None) -> None:
    """Remove the user's authenticator app (confirmed or half-enrolled); audited when one was set up."""
    had_app = totp_device(user=user) is not None
    TOTPDevice.objects.filter(user=user).delete()
    if had_app:
        record_event(event=AuditEvent.Event.MFA_TOTP_REMOVED, request=request, user=user)
