"""Recovery codes: shown once when made, stored as SHA-256 digests, each accepted once.

Ten codes of 16 base32 characters (80 random bits each): a fast digest is safe at that entropy, and a
sign-in compares one digest instead of running ten slow hashes. Making a new set deletes the old one.
"""

import hashlib
import secrets

from django.db import transaction
from django.utils import timezone

from accounts.mfa.models import RecoveryCode

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
def recovery_codes_generate(*, user) -> list[str]:
    """A new set of codes for ``user`` (the old set stops working); the only time the codes are readable."""
    RecoveryCode.objects.filter(user=user).delete()
    codes = [_formatted("".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))) for _ in range(CODE_COUNT)]
    RecoveryCode.objects.bulk_create(RecoveryCode(user=user, code_digest=_digest(code)) for code in codes)
    return codes


def recovery_code_use(*, user, code: str) -> bool:
    """Accept ``code`` once: marks it used in the same UPDATE that checks it is unused (no race)."""
    if len(_normalized(code)) != CODE_LENGTH:
        return False
    used = RecoveryCode.objects.unused().filter(user=user, code_digest=_digest(code)).update(used_at=timezone.now())
    return used == 1


def recovery_codes_left(*, user) -> int:
    return RecoveryCode.objects.unused().filter(user=user).count()


def recovery_codes_remove(*, user) -> None:
    RecoveryCode.objects.filter(user=user).delete()
