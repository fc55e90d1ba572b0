"""Authentication context classes (OIDC Core §2 ``acr``) and methods (RFC 8176 ``amr``): what a sign-in proved.

A sign-in records its methods in the session (provider.authentication.session_authenticated): ``pwd``
for a password, ``otp`` for a TOTP or recovery code, ``hwk`` for a passkey, ``user`` when the
authenticator verified the user (WebAuthn UV), and ``mfa`` when two independent factors were used. They
travel with the code to the ID token, whose ``acr`` is the class those methods reach:

* ``urn:idp:acr:mfa``: two factors (a password and a code or passkey, or a user-verifying passkey);
* ``urn:idp:acr:pwd``: one factor.

A relying party asks for a second factor with ``acr_values`` naming ``urn:idp:acr:mfa`` (or the widely
used PAPE multi-factor URI, kept as an alias); discovery lists them in ``acr_values_supported``. (The
``claims`` parameter is not supported: discovery says so.)
"""

ACR_PASSWORD = "urn:idp:acr:pwd"  # noqa: S105 (a name, not a secret)
ACR_MFA = "urn:idp:acr:mfa"
# OpenID PAPE's multi-factor policy: what several providers and client libraries send for "MFA, please".
ACR_PAPE_MFA = "http://schemas.openid.net/pape/policies/2007/06/multi-factor"
ACR_VALUES_SUPPORTED = [ACR_PASSWORD, ACR_MFA, ACR_PAPE_MFA]
MFA_ACRS = frozenset({ACR_MFA, ACR_PAPE_MFA})

# RFC 8176 §2 values used here.
AMR_PASSWORD = "pwd"  # noqa: S105 (a name, not a secret)
AMR_OTP = "otp"
AMR_HARDWARE_KEY = "hwk"
AMR_USER_PRESENCE = "user"
AMR_MFA = "mfa"


def acr_for(amr: list[str] | tuple[str, ...]) -> str:
    """The authentication context class a sign-in with these methods reaches."""
    return ACR_MFA if AMR_MFA in amr else ACR_PASSWORD


def mfa_requested(acr_values: str | None) -> bool:
    """Whether an authorization request's ``acr_values`` ask for a second factor (OIDC Core §3.1.2.1)."""
    return bool(set((acr_values or "").split()) & MFA_ACRS)
