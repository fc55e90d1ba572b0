"""RFC 6750 §3 ``WWW-Authenticate`` values for refusals of a bearer token."""

from collections.abc import Iterable


def _quoted(value: str) -> str:
    # RFC 6750 §3: error_description and scope are quoted strings without '"' or '\'.
    return value.replace("\\", "").replace('"', "'")


def bearer_challenge(
    *, realm: str = "", error: str = "", error_description: str = "", scopes: Iterable[str] = ()
) -> str:
    """``Bearer realm="api", error="invalid_token", ...``; no error for a request that sent no token (§3.1)."""
    parts = []
    if realm:
        parts.append(f'realm="{_quoted(realm)}"')
    if error:
        parts.append(f'error="{error}"')
        if error_description:
            parts.append(f'error_description="{_quoted(error_description)}"')
    scope = " ".join(scopes)
    if scope:
        parts.append(f'scope="{_quoted(scope)}"')
    return "Bearer " + ", ".join(parts) if parts else "Bearer"
