"""Rules for the redirect URIs an admin may register (RFC 9700 §4.1, RFC 8252 §7.3, OAuth 2.1 §2.3.1).

Registration is strict so that matching can be a plain string comparison: whatever is registered
is exactly what a client must send, and nothing registered can point somewhere surprising.
"""

import re
from urllib.parse import urlsplit

from django.utils.translation import gettext as _

MAX_REDIRECT_URI_LENGTH = 2000
LOOPBACK_HOSTS = {"127.0.0.1", "::1", "localhost"}
# Control characters, spaces, backslashes and the characters browsers "fix up" have no place in a URI
# that is compared byte for byte.
_FORBIDDEN_CHARACTERS = re.compile(r"[\x00-\x20\x7f\\<>\"{}|^`]")
_DOT_SEGMENT = re.compile(r"(^|/)(\.|%2e){1,2}(/|$)", re.IGNORECASE)


def redirect_uri_problems(uri: str, *, public_client: bool, allow_http_loopback: bool) -> list[str]:
    """Return why ``uri`` cannot be registered as a redirect URI (an empty list when it can).

    ``allow_http_loopback`` lets confidential clients use http on loopback hosts too (development only);
    public clients always may, since a native app receives its code on a loopback port (RFC 8252).
    """
    if len(uri) > MAX_REDIRECT_URI_LENGTH:
        return [_("Too long: at most %(max)d characters.") % {"max": MAX_REDIRECT_URI_LENGTH}]
    if _FORBIDDEN_CHARACTERS.search(uri):
        return [_("%(uri)s contains spaces, control characters or characters not allowed in a URI.") % {"uri": uri}]
    try:
        parts = urlsplit(uri)
        port = parts.port
    except ValueError:
        return [_("%(uri)s is not a valid URI.") % {"uri": uri}]

    problems = []
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if scheme not in {"https", "http"}:
        problems.append(_("%(uri)s must use https (got scheme %(scheme)r).") % {"uri": uri, "scheme": scheme})
    elif scheme == "http":
        if host not in LOOPBACK_HOSTS:
            problems.append(_("%(uri)s: plain http is only allowed on a loopback host.") % {"uri": uri})
        elif not (public_client or allow_http_loopback):
            problems.append(
                _("%(uri)s: plain http on loopback is only allowed for public (native) clients.") % {"uri": uri}
            )
    if not host:
        problems.append(_("%(uri)s must be an absolute URI with a host.") % {"uri": uri})
    if "@" in parts.netloc:
        problems.append(_("%(uri)s must not contain user information (@).") % {"uri": uri})
    if "#" in uri:
        problems.append(_("%(uri)s must not contain a fragment (#).") % {"uri": uri})
    if "*" in uri:
        problems.append(_("%(uri)s must not contain wildcards (*).") % {"uri": uri})
    if _DOT_SEGMENT.search(parts.path):
        problems.append(_("%(uri)s must not contain '.' or '..' path segments.") % {"uri": uri})
    if port == 0:
        problems.append(_("%(uri)s has an invalid port.") % {"uri": uri})
    return problems
