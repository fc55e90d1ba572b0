"""The ``WWW-Authenticate`` challenge of every API refusal: Bearer (RFC 6750 §3) or DPoP (RFC 9449 §7.1)."""

from django.utils.encoding import force_str

from provider import dpop

REALM = "api"


def _quoted(value) -> str:
    # RFC 9110 quoted-string: escape backslash and quote, drop CR/LF so a description cannot inject headers.
    text = force_str(value).replace("\r", "").replace("\n", "")
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def bearer_challenge(**params: str) -> str:
    """``Bearer realm="api"`` followed by the given auth-params in order, e.g. error and error_description."""
    attributes = {"realm": REALM, **{name: value for name, value in params.items() if value}}
    return "Bearer " + ", ".join(f"{name}={_quoted(value)}" for name, value in attributes.items())


def dpop_challenge(**params: str) -> str:
    """``DPoP realm="api"``, the given auth-params, and ``algs`` (RFC 9449 §7.1)."""
    return dpop.dpop_challenge(realm=REALM, **{name: force_str(value) for name, value in params.items()})


def challenge_for(request, **params: str) -> str:
    """The challenge in the scheme the request presented its token with: DPoP for DPoP, else Bearer."""
    if getattr(request, "authorization_scheme", "") == "dpop":
        return dpop_challenge(**params)
    return bearer_challenge(**params)
