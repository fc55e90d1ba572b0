"""The signed link that proves a person reads the address on their account.

The token is ``django.core.signing`` output over the user's id and a keyed fingerprint of the address,
with its own salt and a maximum age (EMAIL_VERIFICATION_TIMEOUT). It is accepted only while that very
address is on the account and not yet verified, so it works once: verifying spends it, and changing the
address (which clears ``email_verified``, see User.save) leaves it pointing at an address that is gone.
"""

from django.core import signing
from django.utils.crypto import constant_time_compare, salted_hmac

from accounts.models import User
from idp.settings import idp_settings

SALT = "accounts.email_verification"


def _fingerprint(address: str) -> str:
    # Keyed, not a bare hash: the token is readable base64 and ends up in mail logs and browser history,
    # and a plain SHA-256 of an address is reversed by hashing a list of addresses.
    return salted_hmac(SALT, address, algorithm="sha256").hexdigest()[:32]


def email_verification_token(*, user: User) -> str:
    """A token for the link that verifies ``user``'s current address."""
    return signing.dumps({"user": user.pk, "address": _fingerprint(user.email)}, salt=SALT)


def email_verification_user(*, token: str) -> User | None:
    """The active user whose unverified current address ``token`` vouches for; None if expired, used or forged."""
    try:
        payload = signing.loads(token, salt=SALT, max_age=idp_settings.EMAIL_VERIFICATION_TIMEOUT)
    except signing.BadSignature:  # also SignatureExpired
        return None
    user = User._default_manager.filter(pk=payload["user"], is_active=True).first()
    if user is None or user.email_verified or not user.email:
        return None
    if not constant_time_compare(_fingerprint(user.email), payload["address"]):
        return None
    return user
