"""Who is asking: the headers and user agent of a Django or oauthlib request (the address: idp.client_address)."""

from collections.abc import Mapping
from typing import Any

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


def user_agent(request: Any) -> str:
    """The User-Agent header, cut to a length that fits the audit column."""
    return str(request_meta(request).get("HTTP_USER_AGENT", ""))[:USER_AGENT_MAX_LENGTH]
