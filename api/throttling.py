"""Rate limits per grant and per client, counted in the default cache so every app process shares them."""

from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle

from token_cache.records import BearerToken


class _SettingsRates:
    """Rates read from settings at each request (DRF binds them at import), so an override takes effect."""

    # Upper case because it is the attribute name DRF's SimpleRateThrottle reads.
    @property
    def THROTTLE_RATES(self):
        return api_settings.DEFAULT_THROTTLE_RATES


class _TokenThrottle(_SettingsRates, SimpleRateThrottle):
    """A throttle keyed on the access token's client (and user); requests without one are not counted here."""

    def get_ident_from_token(self, token: BearerToken) -> str:
        raise NotImplementedError

    def get_cache_key(self, request, view):
        token: BearerToken | None = request.auth  # the token's record (api.authentication)
        if token is None or token.application_id is None:
            return None
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident_from_token(token)}


class GrantRateThrottle(_TokenThrottle):
    """Requests per (client, user) pair: keyed on the grant, not the token, so minting tokens gains nothing."""

    scope = "api_grant"

    def get_ident_from_token(self, token: BearerToken) -> str:
        return f"{token.application_id}:{token.user_id or '-'}"


class ClientRateThrottle(_TokenThrottle):
    """Requests per client across all its users: bounds what one misbehaving client costs everyone else."""

    scope = "api_client"

    def get_ident_from_token(self, token: BearerToken) -> str:
        return str(token.application_id)


class SharedLinkRateThrottle(_SettingsRates, AnonRateThrottle):
    """Requests per IP address to the public share links, which carry no token to key on."""

    scope = "api_anon"


TOKEN_THROTTLES = [GrantRateThrottle, ClientRateThrottle]
