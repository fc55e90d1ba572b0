"""The absolute refresh lifetime: a chain of refresh tokens ends, however often it is rotated.

DOT's REFRESH_TOKEN_EXPIRE_SECONDS is an idle limit that slides with every refresh, so a client that
refreshes regularly keeps a grant forever. RFC 9700 §4.14.2 lets the server bound a refresh token's
lifetime; here the bound counts from the chain's first issuance (tokens.models.TokenFamily).
"""

from datetime import timedelta

from django.utils import timezone

from idp.settings import idp_settings
from tokens.selectors import refresh_chain_started_at


def refresh_chain_expired(*, refresh_token) -> bool:
    """Whether the chain ``refresh_token`` belongs to is older than OAUTH_REFRESH_ABSOLUTE_SECONDS."""
    lifetime = idp_settings.REFRESH_ABSOLUTE_SECONDS
    if not lifetime:
        return False
    started_at = refresh_chain_started_at(refresh_token=refresh_token)
    return started_at + timedelta(seconds=lifetime) <= timezone.now()
