"""The provider's published keys (JWKS), fetched over HTTP and cached, following key rotation by ``kid``.

A key set is kept for ``max_age`` seconds. A token naming a ``kid`` the cached set lacks triggers one refetch
(the provider may have started signing with a new key), but at most one per ``min_refetch_interval``:
tokens with made-up ``kid``s must not turn the resource server into a JWKS request amplifier. A key removed
from the provider's set is forgotten at the next refetch, so tokens it signed stop verifying.
"""

import json
import logging
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable

from joserfc.errors import JoseError
from joserfc.jwk import Key, KeySet

log = logging.getLogger(__name__)

# A JWKS of a few keys is a few KB; anything far larger is not the provider's.
MAX_JWKS_BYTES = 64 * 1024

Fetcher = Callable[[str, float], bytes]


def http_get(url: str, timeout: float) -> bytes:
    """GET ``url`` and return at most MAX_JWKS_BYTES of its body (more is an error)."""
    if not url.startswith(("https://", "http://")):
        raise ValueError(f"JWKS address must be http(s): {url!r}")
    request = urllib.request.Request(url, headers={"Accept": "application/json"})  # noqa: S310 - scheme checked
    with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - scheme checked above
        body = response.read(MAX_JWKS_BYTES + 1)
    if len(body) > MAX_JWKS_BYTES:
        raise ValueError(f"JWKS at {url} is larger than {MAX_JWKS_BYTES} bytes")
    return body


class JwksCache:
    """The key set at ``jwks_uri``: ``key(kid)`` answers from the cache, refetching when due or on a new ``kid``."""

    def __init__(
        self,
        jwks_uri: str,
        *,
        max_age: float = 300.0,
        min_refetch_interval: float = 30.0,
        timeout: float = 5.0,
        fetch: Fetcher | None = None,
    ):
        self.jwks_uri = jwks_uri
        self.max_age = max_age
        self.min_refetch_interval = min_refetch_interval
        self.timeout = timeout
        self._fetch = fetch
        self._keys: dict[str, Key] = {}
        self._fetched_at = -float("inf")  # when the last attempt started, successful or not
        self._loaded_at = -float("inf")  # when the cached set was last fetched successfully
        self._lock = threading.Lock()
        self.fetches = 0  # attempts so far (for tests and metrics)

    def key(self, kid: str) -> Key | None:
        """The published key named ``kid``, or None when the provider does not publish one (after a refetch)."""
        now = time.monotonic()
        if now - self._loaded_at >= self.max_age:
            self._refresh(now)
        key = self._keys.get(kid)
        if key is None and time.monotonic() - self._fetched_at >= self.min_refetch_interval:
            self._refresh(time.monotonic())
            key = self._keys.get(kid)
        return key

    def _refresh(self, now: float) -> None:
        with self._lock:
            if self._fetched_at >= now:
                return  # another thread fetched while this one waited
            self._fetched_at = time.monotonic()
            self.fetches += 1
            try:
                document = json.loads((self._fetch or http_get)(self.jwks_uri, self.timeout))
                key_set = KeySet.import_key_set(document)
            except (OSError, ValueError, TypeError, KeyError, JoseError, urllib.error.URLError):
                # Keep the keys we had: a provider briefly unreachable must not fail every request. Tokens
                # signed with a key we never saw stay refused until a fetch succeeds.
                log.warning("Could not fetch the JWKS at %s; keeping %d cached keys.", self.jwks_uri, len(self._keys))
                return
            self._keys = {key.kid: key for key in key_set if key.kid and not _is_private(key)}
            self._loaded_at = self._fetched_at


def _is_private(key: Key) -> bool:
    # A JWKS must hold public keys only; a private or symmetric one published by mistake is never used.
    return key.key_type == "oct" or key.is_private
