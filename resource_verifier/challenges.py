"""``WWW-Authenticate`` values for refusals of a bearer token (RFC 6750 §3) or a DPoP-bound one (RFC 9449 §7.1)."""

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


def dpop_challenge(
    *, realm: str = "", error: str = "", error_description: str = "", scopes: Iterable[str] = (), algs: Iterable[str]
) -> str:
    """``DPoP realm="api", error="invalid_dpop_proof", ..., algs="ES256 ..."``: the proof algorithms accepted."""
    bearer = bearer_challenge(realm=realm, error=error, error_description=error_description, scopes=scopes)
    parts = [bearer.removeprefix("Bearer").strip(), f'algs="{" ".join(algs)}"']
    return "DPoP " + ", ".join(part for part in parts if part)
