"""Which address a request came from: the one place that says it, for audit, throttles and sign-in lockouts.

The address is parsed by python-ipware (the engine behind django-ipware). django-ipware's own
``get_client_ip`` reads ``request.META`` and so only takes a Django request; python-ipware takes the header
mapping itself, which both a Django ``HttpRequest`` (``META``) and the oauthlib ``Request`` that DOT hands
the validator (``headers``, a copy of ``META``) carry.

``CLIENT_IP_TRUSTED_PROXIES`` is the number of reverse proxies in front of the app, each appending the
address it received the connection from to X-Forwarded-For. The nearest one is ``REMOTE_ADDR`` and is not
listed, so with N proxies the client is the N-th entry from the right, and ipware's ``proxy_count`` (the
entries listed after the client) is N - 1. Anything further left was written by the client and can be
forged; trusting it would let an attacker pick a new address for every guess and dodge per-IP limits.
"""

from functools import lru_cache
from typing import Any

from python_ipware import IpWare

from audit.request_meta import request_meta
from idp.settings import idp_settings


@lru_cache(maxsize=8)
def _forwarded_for_reader(proxies: int) -> IpWare:
    return IpWare(precedence=("HTTP_X_FORWARDED_FOR",), proxy_count=proxies - 1)


_REMOTE_ADDR_READER = IpWare(precedence=("REMOTE_ADDR",))


def client_address(request: Any) -> str | None:
    """The address of the party that sent ``request`` (Django or oauthlib), or None when unknown or malformed."""
    meta = request_meta(request)
    return _resolve(
        str(meta.get("REMOTE_ADDR", "")),
        str(meta.get("HTTP_X_FORWARDED_FOR", "")),
        idp_settings.CLIENT_IP_TRUSTED_PROXIES,
    )


# A token request asks twice (the throttle, the audit row) and a client sends the same headers again and
# again; ipware's parsing costs tens of microseconds, a cached answer one. The answer depends on these
# three values alone, and the cache is bounded, so hostile headers cannot grow it.
@lru_cache(maxsize=4096)
def _resolve(remote_addr: str, forwarded_for: str, proxies: int) -> str | None:
    if proxies > 0:
        # Only the entries our own proxies appended reach ipware. X-Forwarded-For has no quoting, but ipware
        # splits it as if it had (RFC 7239 style): a lone '"' sent by the client would swallow the entries
        # after it, discard the whole header and hand back the proxy's address instead of the client's.
        appended = [part for part in forwarded_for.split(",") if part.strip()]
        if len(appended) >= proxies:
            # strict=False: ipware's strict mode wants exactly N - 1 entries after the client, which the
            # slice above already guarantees.
            address, _ = _forwarded_for_reader(proxies).get_client_ip(
                {"HTTP_X_FORWARDED_FOR": ",".join(appended[-proxies:])}, strict=False
            )
            if address is not None:
                return str(address)
    # Fewer entries than trusted proxies (a request that bypassed the outer proxy): the connection's address.
    # One key, not the whole of META: ipware would otherwise fold every header name on each call.
    address, _ = _REMOTE_ADDR_READER.get_client_ip({"REMOTE_ADDR": remote_addr})
    return str(address) if address is not None else None
