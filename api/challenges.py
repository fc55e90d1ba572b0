"""The ``WWW-Authenticate: Bearer`` challenge every refusal of the API carries (RFC 6750 §3)."""

from django.utils.encoding import force_str

REALM = "api"


def _quoted(value) -> str:
    # RFC 9110 quoted-string: escape backslash and quote, drop CR/LF so a description cannot inject headers.
    text = force_str(value).replace("\r", "").replace("\n", "")
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def bearer_challenge(**params: str) -> str:
    """``Bearer realm="api"`` followed by the given auth-params in order, e.g. error and error_description."""
    attributes = {"realm": REALM, **{name: value for name, value in params.items() if value}}
    return "Bearer " + ", ".join(f"{name}={_quoted(value)}" for name, value in attributes.items())
