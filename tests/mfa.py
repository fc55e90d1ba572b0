"""Second-factor helpers: the code an authenticator app would show, and signing in with it."""

import time

from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP

from tests.factories import USER_PASSWORD


def totp_code(device, *, at: float | None = None) -> str:
    """The 6-digit code ``device``'s app shows at ``at`` (now by default), as an authenticator app computes it."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits)
    totp.time = time.time() if at is None else at
    return f"{totp.token():0{device.digits}d}"


def next_step_code(device) -> str:
    """The code of the next time step: a fresh code even when the current one was just used."""
    return totp_code(device, at=time.time() + device.step)


def sign_in_with_password(http: Client, username: str, *, next_url: str = ""):
    data = {"username": username, "password": USER_PASSWORD}
    if next_url:
        data["next"] = next_url
    return http.post(reverse("login"), data)


def second_factor(http: Client, code: str, *, next_url: str = ""):
    return http.post(reverse("mfa-verify"), {"code": code, "next": next_url})
