"""Who is asking: the client IP address and user agent of a Django or oauthlib request."""

import ipaddress
from collections.abc import Mapping
from typing import Any

from django.conf import settings

USER_AGENT_MAX_LENGTH = 200


def request_meta(request: Any) -> Mapping[str, str]:
    """The CGI-style headers of ``request``: Django's ``META``, or the copy DOT hands oauthlib as ``headers``."""
    if request is None:
        return {}
    meta = getattr(request, "META", None)
    if meta is None:
        # oauthlib's Request: DOT's OAuthLibCore.extract_headers copied request.META into it.
        meta = getattr(request, "headers", None)
    return meta or {}


def client_ip(request: Any) -> str | None:
    """The address of the party that sent ``request``, or None when unknown or malformed.

    X-Forwarded-For is trusted only for the CLIENT_IP_TRUSTED_PROXIES hops nearest to us: anything further
    left was written by the client and can be forged, which would let an attacker dodge per-IP throttles.
    """
    meta = request_meta(request)
    candidate = meta.get("REMOTE_ADDR", "")
    proxies = settings.CLIENT_IP_TRUSTED_PROXIES
    if proxies:
        forwarded = [part.strip() for part in meta.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= proxies:
            candidate = forwarded[-proxies]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return None


def user_agent(request: Any) -> str:
    """The User-Agent header, cut to a length that fits the audit column."""
    return str(request_meta(request).get("HTTP_USER_AGENT", ""))[:USER_AGENT_MAX_LENGTH]
