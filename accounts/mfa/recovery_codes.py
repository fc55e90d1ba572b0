"""Recovery codes: shown once when made, stored as SHA-256 digests, each accepted once.

Ten codes of 16 base32 characters (80 random bits each): a fast digest is safe at that entropy, and a
sign-in compares one digest instead of running ten slow hashes. Making a new set deletes the old one.
Making a set and using a code are audited (mfa.recovery_codes_generated, mfa.recovery_code_used), with
counts only: never a code, nor its digest.
"""

import hashlib
import secrets

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from accounts.mfa.models import RecoveryCode
from audit.models import AuditEvent
from audit.services import record_event

CODE_COUNT = 10
ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789"  # 32 characters without 0/o, 1/l: read off paper easily
CODE_LENGTH = 16


def _normalized(code: str) -> str:
    return "".join(code.split()).replace("-", "").lower()


def _digest(code: str) -> str:
    return hashlib.sha256(_normalized(code).encode()).hexdigest()


def _formatted(raw: str) -> str:
    return "-".join(raw[i : i + 4] for i in range(0, len(raw), 4))


@transaction.atomic
def recovery_codes_generate(*, user, request: HttpRequest | None = None) -> list[str]:
    """A new set of codes for ``user`` (the old set stops working); the only time the codes are readable."""
    retired = recovery_codes_left(user=user)
    RecoveryCode.objects.filter(user=user).delete()
    codes = [_formatted("".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))) for _ in range(CODE_COUNT)]
    RecoveryCode.objects.bulk_create(RecoveryCode(user=user, code_digest=_digest(code)) for code in codes)
    # Whoever holds a set can pass the second factor: a new set, and how many unused ones it retired, is audited.
    record_event(
        event=AuditEvent.Event.MFA_RECOVERY_CODES_GENERATED,
        request=request,
        user=user,
        count=CODE_COUNT,
        retired_unused=retired,
    )
    return codes


def recovery_code_use(*, user, code: str, request: HttpRequest | None = None) -> bool:
    """Accept ``code`` once: marks it used in the same UPDATE that checks it is unused (no race)."""
    if len(_normalized(code)) != CODE_LENGTH:
        return False
    used = RecoveryCode.objects.unused().filter(user=user, code_digest=_digest(code)).update(used_at=timezone.now())
    if used != 1:
        return False
    # A code used that the user did not use means the set leaked: the trail shows when and from where.
    record_event(
        event=AuditEvent.Event.MFA_RECOVERY_CODE_USED, request=request, user=user, left=recovery_codes_left(user=user)
    )
    return True


def recovery_codes_left(*, user) -> int:
    return RecoveryCode.objects.unused().filter(user=user).count()


def recovery_codes_remove(*, user) -> None:
    RecoveryCode.objects.filter(user=user).delete()
