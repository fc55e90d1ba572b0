"""Reads about token families: which code started one, and when a chain started."""

import uuid
from datetime import datetime

from django.db.models import Min
from oauth2_provider.models import get_refresh_token_model

from tokens.checksums import sha256_hex
from tokens.models import TokenFamily


def token_family_for_code(*, code_checksum: str, application) -> TokenFamily | None:
    """The family the authorization code with this sha256 started, if this client redeemed it."""
    return TokenFamily.objects.filter(code_checksum=code_checksum, application=application).first()


def refresh_chain_started_at(*, refresh_token) -> datetime:
    """When the chain ``refresh_token`` belongs to was first issued, however often it was rotated."""
    if refresh_token.token_family is None:
        return refresh_token.created
    started = TokenFamily.objects.filter(pk=refresh_token.token_family).values_list("started_at", flat=True).first()
    if started is not None:
        return started
    # Chains issued before families were recorded: their oldest surviving refresh token is the best
    # (and, since clean-up only removes old rows, a never earlier than true) starting point.
    oldest = (
        get_refresh_token_model()
        .objects.filter(token_family=refresh_token.token_family)
        .aggregate(oldest=Min("created"))["oldest"]
    )
    return oldest or refresh_token.created


def token_family_of(*, raw_token: str, application) -> uuid.UUID | None:
    """The refresh-token family a presented refresh or access token of ``application`` belongs to."""
    if getattr(application, "pk", None) is None:
        return None
    checksum = sha256_hex(raw_token)
    refresh_tokens = get_refresh_token_model().objects.filter(application=application, token_family__isnull=False)
    family = refresh_tokens.filter(token_checksum=checksum).values_list("token_family", flat=True).first()
    if family is None:
        family = (
            refresh_tokens.filter(access_token__token_checksum=checksum).values_list("token_family", flat=True).first()
        )
    return family
