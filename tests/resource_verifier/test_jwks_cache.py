"""resource_verifier.JwksCache: keys cached, refetched when stale or on an unknown kid, at a bounded rate."""

import json

import pytest
from joserfc.jwk import OctKey, RSAKey

from resource_verifier import JwksCache
from resource_verifier.jwks import MAX_JWKS_BYTES

OLD = RSAKey.generate_key(2048, parameters={"kid": "old"})
NEW = RSAKey.generate_key(2048, parameters={"kid": "new"})


class Provider:
    """A stand-in for the provider's JWKS endpoint: the keys it publishes now, and how often it was asked."""

    def __init__(self, *keys):
        self.keys = list(keys)
        self.calls = 0
        self.down = False

    def __call__(self, url: str, timeout: float) -> bytes:
        self.calls += 1
        if self.down:
            raise OSError("connection refused")
        return json.dumps({"keys": [key.as_dict(private=False) for key in self.keys]}).encode()


def test_keys_are_fetched_once_and_served_from_the_cache():
    provider = Provider(OLD)
    cache = JwksCache("https://idp.example.test/jwks", fetch=provider)

    assert cache.key("old") is not None
    assert cache.key("old") is not None
    assert provider.calls == 1


def test_an_unknown_kid_triggers_a_refetch_that_finds_the_new_key():
    provider = Provider(OLD)
    cache = JwksCache("https://idp.example.test/jwks", fetch=provider, min_refetch_interval=0)
    cache.key("old")
    provider.keys.append(NEW)  # the provider rotated

    assert cache.key("new") is not None
    assert provider.calls == 2


def test_unknown_kids_refetch_at_most_once_per_interval():
    provider = Provider(OLD)
    cache = JwksCache("https://idp.example.test/jwks", fetch=provider, min_refetch_interval=3600)
    cache.key("old")

    for attempt in range(50):
        assert cache.key(f"made-up-{attempt}") is None

    assert provider.calls == 1


def test_a_key_no_longer_published_is_forgotten_at_the_next_fetch():
    provider = Provider(OLD, NEW)
    cache = JwksCache("https://idp.example.test/jwks", fetch=provider, max_age=0)
    assert cache.key("old") is not None
    provider.keys = [NEW]  # the rotation's last step

    assert cache.key("old") is None


def test_a_failed_fetch_keeps_the_keys_it_had():
    provider = Provider(OLD)
    cache = JwksCache("https://idp.example.test/jwks", fetch=provider, max_age=0)
    cache.key("old")
    provider.down = True

    assert cache.key("old") is not None


def test_private_and_symmetric_keys_in_the_set_are_never_used():
    secret = OctKey.generate_key(256, parameters={"kid": "secret"})
    leaked = RSAKey.generate_key(2048, parameters={"kid": "leaked"})

    def publish(url: str, timeout: float) -> bytes:
        keys = [secret.as_dict(private=True), leaked.as_dict(private=True), NEW.as_dict(private=False)]
        return json.dumps({"keys": keys}).encode()

    cache = JwksCache("https://idp.example.test/jwks", fetch=publish)

    assert cache.key("secret") is None
    assert cache.key("leaked") is None
    assert cache.key("new") is not None


@pytest.mark.parametrize(
    "body", [b"not json", b"[]", b'{"keys": []}', b'{"keys": "x"}', b'{"nokeys": 1}', b"x" * (MAX_JWKS_BYTES + 10)]
)
def test_a_garbled_or_empty_key_set_yields_no_key(body):
    cache = JwksCache("https://idp.example.test/jwks", fetch=lambda url, timeout: body)

    assert cache.key("old") is None


def test_only_http_addresses_are_fetched():
    cache = JwksCache("file:///etc/passwd")

    assert cache.key("old") is None
