"""Authorization-code replay: a redeemed code presented again revokes what it was exchanged for.

RFC 6749 §4.1.2 and RFC 9700 §4.2.4 (ASVS 10.4.2): the server MUST refuse a second use of a code and
SHOULD revoke the tokens already issued for it. A stolen code alone must not be enough to revoke a
victim's session, though (that would be a denial of service), so the replay counts only when the
client authenticated as the code's client (oauthlib checks that before the code) and the PKCE verifier
matches the challenge the code was issued with.
"""

import base64
import hashlib
import hmac
import logging

from oauthlib.common import Request

from tokens.checksums import sha256_hex
from tokens.selectors import token_family_for_code
from tokens.services import token_family_revoke
from tokens.signals import code_replay_detected

log = logging.getLogger(__name__)


def revoke_if_replayed(*, code: str, request: Request) -> bool:
    """Revoke the tokens an already redeemed ``code`` yielded, if this request proves it holds the grant."""
    if not code or request.client is None:
        return False
    family = token_family_for_code(code_checksum=sha256_hex(code), application=request.client)
    if family is None:
        return False
    if not _verifier_matches(family.code_challenge_checksum, request.code_verifier):
        log.warning(
            "Replay of a redeemed code for client %s with a wrong PKCE verifier; nothing revoked.",
            family.application_id,
        )
        return False
    token_family_revoke(family_id=family.pk)
    log.warning(
        "Authorization code replayed for client %s: token family %s revoked.", family.application_id, family.pk
    )
    code_replay_detected.send(
        sender=revoke_if_replayed, application=request.client, user=family.user, token_family=family.pk
    )
    return True


def _verifier_matches(challenge_checksum: str, verifier: str | None) -> bool:
    if not challenge_checksum or not verifier:
        return False
    # S256 is the only method the server accepts (provider.server): challenge = b64url(sha256(verifier)).
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode("ascii", "replace")).digest()).rstrip(b"=")
    return hmac.compare_digest(sha256_hex(challenge.decode("ascii")), challenge_checksum)
