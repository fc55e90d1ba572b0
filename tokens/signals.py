"""Security events the token machinery detects, for the audit trail to record."""

from django.dispatch import Signal

# Sent with ``application``, ``user`` and ``token_family`` when a redeemed code is presented again.
code_replay_detected = Signal()
# Sent with ``application``, ``user`` and ``token_family`` when a spent refresh token is used again.
refresh_token_reuse_detected = Signal()
