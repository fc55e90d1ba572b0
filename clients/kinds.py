"""The kinds of client an operator registers (web, spa-native, machine, device, resource-server) and what each implies.

A kind is a starting point, not a field: a client is stored with its client type, grants and scopes, and an
admin may change any of them later. ``kind_of`` names the kind a stored client looks like.
"""

from dataclasses import dataclass

from clients.models import Application, GrantType


@dataclass(frozen=True, slots=True)
class ClientKind:
    """A kind of client: the client type and grants it gets, and the scopes it gets unless told otherwise."""

    name: str
    description: str
    client_type: str
    grant_types: tuple[str, ...]
    default_scopes: tuple[str, ...]

    @property
    def confidential(self) -> bool:
        return self.client_type == Application.CLIENT_CONFIDENTIAL


CLIENT_KINDS: dict[str, ClientKind] = {
    kind.name: kind
    for kind in (
        ClientKind(
            "web",
            "a server-side web app signing people in (confidential)",
            Application.CLIENT_CONFIDENTIAL,
            (GrantType.AUTHORIZATION_CODE, GrantType.REFRESH_TOKEN),
            ("openid", "profile", "email"),
        ),
        ClientKind(
            "spa-native",
            "a single-page or native app acting for a person (public, PKCE only)",
            Application.CLIENT_PUBLIC,
            (GrantType.AUTHORIZATION_CODE, GrantType.REFRESH_TOKEN),
            ("openid", "profile", "email"),
        ),
        ClientKind(
            "machine",
            "a service acting for itself with client credentials (confidential)",
            Application.CLIENT_CONFIDENTIAL,
            (GrantType.CLIENT_CREDENTIALS,),
            # No default: what a machine may do is always a decision, never a template's.
            (),
        ),
        ClientKind(
            "device",
            "a TV or command-line app using the device flow, RFC 8628 (public)",
            Application.CLIENT_PUBLIC,
            (GrantType.DEVICE_CODE, GrantType.REFRESH_TOKEN),
            ("openid", "profile"),
        ),
        ClientKind(
            "resource-server",
            "an API asking /o/introspect/ about tokens, RFC 7662 (confidential)",
            Application.CLIENT_CONFIDENTIAL,
            (GrantType.CLIENT_CREDENTIALS,),
            ("introspection",),
        ),
    )
}


def kind_of(application: Application) -> str:
    """The kind ``application`` looks like from its type, grants and scopes, or ``custom`` for any other mix."""
    grants = set(application.grant_types)
    if GrantType.AUTHORIZATION_CODE in grants:
        return "web" if application.client_type == Application.CLIENT_CONFIDENTIAL else "spa-native"
    if GrantType.DEVICE_CODE in grants:
        return "device"
    if GrantType.CLIENT_CREDENTIALS in grants:
        return "resource-server" if "introspection" in application.allowed_scopes else "machine"
    return "custom"
