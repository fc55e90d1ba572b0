"""Matching a requested redirect URI against the registered ones: simple string comparison, nothing else.

RFC 9700 §2.1 and OAuth 2.1 §4.1.3 require exact matching, and OpenID Connect Core §3.1.2.1 names
RFC 3986 §6.2.1 Simple String Comparison. DOT's matcher compares parsed components, so it lowercases
the scheme and host ("HTTPS://CLIENT.example.test/cb" matches "https://client.example.test/cb"): harmless
for DNS, but every normalisation is a place where two parsers (ours, the browser's, the client's) can
disagree, which is how redirect-URI bypasses happen. Registration (clients.redirect_uris) is strict, so
what an admin registered is exactly what a client must send.

The one exception is RFC 8252 §7.3: for a loopback IP literal over http, a native app picks its port at
run time, so the port may differ; everything else must still match character for character.
"""

import re

# http://127.0.0.1 or http://[::1], then an optional port, then the rest of the URI.
_LOOPBACK = re.compile(r"^(http://(?:127\.0\.0\.1|\[::1\]))(?::[0-9]{1,5})?([/?].*)?$", re.DOTALL)


def _without_loopback_port(uri: str) -> str | None:
    match = _LOOPBACK.match(uri)
    return f"{match.group(1)}{match.group(2) or ''}" if match else None


def redirect_uri_matches(uri: str, registered: list[str]) -> bool:
    """Whether ``uri`` is one of ``registered`` exactly (a loopback IP's port aside)."""
    if not uri:
        return False
    if uri in registered:
        return True
    requested = _without_loopback_port(uri)
    if requested is None:
        return False
    return any(_without_loopback_port(candidate) == requested for candidate in registered)
