"""Second-factor helpers: the code an authenticator app would show, and signing in with it."""

import base64
import time
from dataclasses import dataclass

from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP, hotp

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


@dataclass
class AuthenticatorApp:
    """An authenticator app holding a key typed in from the enrolment page: it computes the RFC 6238 codes.

    Like a person who waits for the app's next code rather than typing the same one twice, ``new_code``
    never repeats a time step: when the current one was used, it gives the next step's code, which the
    provider accepts now (django-otp allows one step of clock drift). No test ever sleeps for a code.
    """

    key: bytes
    step: int = 30
    digits: int = 6
    last_step: int = -1

    @classmethod
    def from_typed_key(cls, text: str) -> "AuthenticatorApp":
        """The app set up from the base32 key as the page shows it (groups of four, no padding)."""
        compact = "".join(text.split()).upper()
        return cls(key=base64.b32decode(compact + "=" * (-len(compact) % 8)))

    def new_code(self) -> str:
        self.last_step = max(int(time.time()) // self.step, self.last_step + 1)
        return self.last_code

    @property
    def last_code(self) -> str:
        return f"{hotp(self.key, self.last_step, digits=self.digits):0{self.digits}d}"
