"""Server-side requests to addresses that clients registered: the one place that makes them, and safely.

A URI an admin registered for a client (a back-channel logout URI, a JWKS URI for private_key_jwt) is
fetched by the provider itself, from inside the network it runs in. Without rules that is a server-side
request forgery waiting to happen (OWASP SSRF prevention cheat sheet): a URI naming ``127.0.0.1``, a cloud
metadata address or an internal host would have the provider talk to them. So, for every request:

* https only (plain http only where ``OUTBOUND_ALLOW_PRIVATE_ADDRESSES`` is on, i.e. development; a caller
  with a setting of its own, such as the JWKS fetch, passes ``allow_http`` and ``allow_private``);
* the host is resolved once and every address it resolves to must be public (no loopback, private,
  link-local, multicast, reserved or unspecified address) unless development allows them; the connection
  goes to the address that was checked, so a DNS answer that changes in between (rebinding) cannot slip by;
* no redirects followed, a connect-and-read timeout, and at most ``max_bytes`` of the answer kept (one
  byte more is read, so the caller can tell an answer that was cut off).
"""

import http.client
import ipaddress
import socket
import ssl
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit

from idp.settings import idp_settings

TIMEOUT_SECONDS = 5.0
# The answers wanted here are a status line and a few bytes; anything larger is cut off, never buffered.
MAX_RESPONSE_BYTES = 64 * 1024


class OutboundRefused(Exception):
    """The request was not sent: the URI or the address it resolves to is not one the provider may call."""


@dataclass(frozen=True, slots=True)
class OutboundResponse:
    status: int
    body: bytes
    # The answer was longer than the caller's max_bytes: ``body`` holds only its start.
    truncated: bool = False


def address_allowed(ip: ipaddress.IPv4Address | ipaddress.IPv6Address, *, allow_private: bool | None = None) -> bool:
    """Whether the provider may connect to ``ip``: a public unicast address (any, when private ones are allowed)."""
    if idp_settings.OUTBOUND_ALLOW_PRIVATE_ADDRESSES if allow_private is None else allow_private:
        return True
    # is_global is False for loopback, private, link-local, shared (CGNAT), reserved and documentation ranges.
    return ip.is_global and not (ip.is_multicast or ip.is_reserved or ip.is_unspecified)


def _resolve(host: str, port: int, *, allow_private: bool | None) -> str:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as error:
        raise OutboundRefused(f"{host} does not resolve") from error
    addresses = [info[4][0] for info in infos]
    refused = [
        address
        for address in addresses
        if not address_allowed(ipaddress.ip_address(address.split("%", 1)[0]), allow_private=allow_private)
    ]
    if not addresses or refused:
        # Every answer must be allowed, not just the first: the client does not choose which one we use.
        raise OutboundRefused(
            f"{host} resolves to a non-public address, which the provider does not call ({', '.join(refused)})"
        )
    return addresses[0]


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """HTTPS to an address resolved and checked beforehand, verifying the certificate for the host name."""

    def __init__(self, host: str, port: int, *, address: str, timeout: float):
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._address = address

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, host: str, port: int, *, address: str, timeout: float):
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


def outbound_request(
    method: str,
    url: str,
    *,
    headers: dict[str, str],
    body: bytes | None = None,
    max_bytes: int = MAX_RESPONSE_BYTES,
    timeout: float = TIMEOUT_SECONDS,
    allow_http: bool | None = None,
    allow_private: bool | None = None,
) -> OutboundResponse:
    """Send one request to ``url`` under the rules above; raises OutboundRefused, or OSError and
    http.client.HTTPException when the server cannot be reached or answers garbage.

    ``allow_http`` and ``allow_private`` default to ``OUTBOUND_ALLOW_PRIVATE_ADDRESSES``.
    """
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:
        raise OutboundRefused("not a valid URI") from error
    scheme = parts.scheme.lower()
    http_allowed = idp_settings.OUTBOUND_ALLOW_PRIVATE_ADDRESSES if allow_http is None else allow_http
    if scheme != "https" and not (scheme == "http" and http_allowed):
        raise OutboundRefused("only https is allowed")
    host = parts.hostname
    if not host or parts.username is not None or parts.fragment:
        raise OutboundRefused("not an absolute URI with a host, without user information or fragment")
    port = port or (443 if scheme == "https" else 80)
    address = _resolve(host, port, allow_private=allow_private)
    connection_class = _PinnedHTTPSConnection if scheme == "https" else _PinnedHTTPConnection
    connection = connection_class(host, port, address=address, timeout=timeout)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    try:
        # http.client follows no redirects: a 3xx is handed back as it is.
        connection.request(method, path, body=body, headers={**headers, "Connection": "close"})
        response = connection.getresponse()
        answer = response.read(max_bytes + 1)
        return OutboundResponse(status=response.status, body=answer[:max_bytes], truncated=len(answer) > max_bytes)
    finally:
        connection.close()


def outbound_post_form(url: str, data: dict[str, str]) -> OutboundResponse:
    """POST ``data`` form-encoded to ``url`` under the rules above; raises OutboundRefused or OSError."""
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Accept": "*/*"}
    return outbound_request("POST", url, headers=headers, body=urlencode(data).encode())
