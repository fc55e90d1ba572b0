"""Passkeys (WebAuthn Level 3) on py_webauthn: registering one, and checking one at sign-in.

py_webauthn (``webauthn``, Duo Labs) verifies the browser's answers: the challenge, the origin, the RP ID
hash, the flags, the attestation (``none`` is all we ask for) and the signature. What it leaves to the
relying party is done here:

* **Challenges** live in the session, one per ceremony kind, for CEREMONY_SECONDS; the verification pops
  it first, so each is used once, right or wrong, and an answer for a registration never serves a sign-in.
* **Relying party**: the RP ID is ``WEBAUTHN_RP_ID``, else the issuer's host; the only origin accepted is
  the issuer's (the configured one in production, else the one the request came to, as DOT derives it).
* **Whose credential**: a second factor must be one of the pending user's passkeys; a passwordless sign-in
  takes the account from the credential, and the user handle the authenticator returns must match it.
* **Signature counter**: a counter that does not move forward, when either side ever counted, means two
  authenticators hold the same key (a clone, WebAuthn §6.1.1): refused, logged and audited.
* **User verification**: preferred for a registration and a second factor, and recorded (``user`` in amr);
  *required* for a passwordless sign-in, which then is multi-factor on its own (possession of the device
  plus its PIN or biometric: RFC 8176 ``hwk`` + ``user``, NIST SP 800-63B's multi-factor cryptographic
  authenticator). A passkey without user verification is one factor, so it cannot replace the password.
"""

import logging
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from webauthn import (
    generate_authentication_options,
    generate_registration_options,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers import (
    base64url_to_bytes,
    bytes_to_base64url,
    generate_user_handle,
    options_to_json_dict,
    parse_authentication_credential_json,
    parse_registration_credential_json,
)
from webauthn.helpers.exceptions import (
    InvalidAuthenticationResponse,
    InvalidJSONStructure,
    InvalidRegistrationResponse,
)
from webauthn.helpers.structs import (
    AttestationConveyancePreference,
    AuthenticatorSelectionCriteria,
    AuthenticatorTransport,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from accounts.mfa.models import Passkey
from accounts.sessions import request_issuer
from audit.models import AuditEvent
from audit.services import record_event
from idp.settings import idp_settings
from provider.acr import AMR_HARDWARE_KEY, AMR_USER_PRESENCE

log = logging.getLogger(__name__)

# How long a ceremony may take, from the options to the answer: the browser's timeout, and the challenge's life.
CEREMONY_SECONDS = 300
CHALLENGE_SESSION_KEY = "passkey_challenge"
REGISTRATION = "registration"
SECOND_FACTOR = "second-factor"
PASSWORDLESS = "passwordless"
NAME_MAX_LENGTH = Passkey._meta.get_field("name").max_length
# A browser's answer is a few KB (an attestation object with a certificate chain is the largest).
CREDENTIAL_MAX_LENGTH = 16 * 1024


class PasskeyError(Exception):
    """A passkey answer refused; ``message`` is safe to show the person (it never says which check failed)."""

    def __init__(self, message: str, *, reason: str):
        super().__init__(message)
        self.message = message
        self.reason = reason  # for logs and the audit trail, not for the page


@dataclass(frozen=True, slots=True)
class RelyingParty:
    """The WebAuthn relying party this request speaks for."""

    id: str
    name: str
    origin: str


@dataclass(frozen=True, slots=True)
class PasskeyUse:
    """A passkey that signed a challenge, and the RFC 8176 methods it proved."""

    passkey: Passkey
    user_verified: bool

    @property
    def methods(self) -> list[str]:
        return [AMR_HARDWARE_KEY, AMR_USER_PRESENCE] if self.user_verified else [AMR_HARDWARE_KEY]


def relying_party(request: HttpRequest) -> RelyingParty:
    """The RP: id from WEBAUTHN_RP_ID or the issuer's host, origin the issuer's (never a Host header in production)."""
    issuer = urlsplit(request_issuer(request))
    return RelyingParty(
        id=idp_settings.WEBAUTHN_RP_ID or issuer.hostname or "",
        name=settings.SITE_NAME,
        origin=f"{issuer.scheme}://{issuer.netloc}",
    )


def _descriptors(passkeys) -> list[PublicKeyCredentialDescriptor]:
    descriptors = []
    for passkey in passkeys:
        transports = []
        for transport in passkey.transports:
            try:
                transports.append(AuthenticatorTransport(transport))
            except ValueError:
                continue  # a transport newer than the library: the browser finds the authenticator without it
        descriptors.append(
            PublicKeyCredentialDescriptor(id=base64url_to_bytes(passkey.credential_id), transports=transports)
        )
    return descriptors


def _challenge_issue(request: HttpRequest, *, ceremony: str, challenge: bytes, user=None, **extra: str) -> None:
    challenges = request.session.get(CHALLENGE_SESSION_KEY)
    challenges = dict(challenges) if isinstance(challenges, dict) else {}
    challenges[ceremony] = {
        "challenge": bytes_to_base64url(challenge),
        "user": user.pk if user is not None else None,
        "at": time.time(),
        **extra,
    }
    request.session[CHALLENGE_SESSION_KEY] = challenges


def _challenge_take(request: HttpRequest, *, ceremony: str, user=None) -> dict:
    """The ceremony's challenge (and what was issued with it), removed from the session whatever happens next:
    each is answered once."""
    challenges = request.session.get(CHALLENGE_SESSION_KEY)
    challenges = dict(challenges) if isinstance(challenges, dict) else {}
    issued = challenges.pop(ceremony, None)
    request.session[CHALLENGE_SESSION_KEY] = challenges
    expired = _("This passkey request expired. Try again.")
    if not isinstance(issued, dict):
        raise PasskeyError(expired, reason="no challenge")
    if time.time() - issued.get("at", 0) > CEREMONY_SECONDS:
        raise PasskeyError(expired, reason="challenge expired")
    if issued.get("user") != (user.pk if user is not None else None):
        raise PasskeyError(expired, reason="challenge issued for another user")
    return {**issued, "challenge": base64url_to_bytes(issued["challenge"])}


def _user_handle(user) -> str:
    """The user's WebAuthn handle: the one their passkeys already carry, else a new random one (64 bytes)."""
    existing = Passkey.objects.filter(user=user).exclude(user_handle="").values_list("user_handle", flat=True).first()
    return existing or bytes_to_base64url(generate_user_handle())


def passkey_registration_options(request: HttpRequest, *, user) -> dict:
    """PublicKeyCredentialCreationOptions (as JSON) for a new passkey of ``user``; remembers the challenge."""
    rp = relying_party(request)
    user_handle = _user_handle(user)
    options = generate_registration_options(
        rp_id=rp.id,
        rp_name=rp.name,
        user_id=base64url_to_bytes(user_handle),
        user_name=user.get_username(),
        user_display_name=user.get_full_name() or user.get_username(),
        timeout=CEREMONY_SECONDS * 1000,
        # "none": we trust no vendor list, so an attestation statement would only cost the user a prompt.
        attestation=AttestationConveyancePreference.NONE,
        authenticator_selection=AuthenticatorSelectionCriteria(
            # Discoverable when the authenticator can (passwordless sign-in needs it); a security key that
            # cannot still works as a second factor.
            resident_key=ResidentKeyRequirement.PREFERRED,
            user_verification=UserVerificationRequirement.PREFERRED,
        ),
        # The same authenticator twice would only be a second row for one key.
        exclude_credentials=_descriptors(Passkey.objects.filter(user=user)),
    )
    # The handle goes with the challenge: the new passkey is stored with the one the authenticator was given.
    _challenge_issue(request, ceremony=REGISTRATION, challenge=options.challenge, user=user, user_handle=user_handle)
    return options_to_json_dict(options)


def _parsed(credential: str, parse):
    if len(credential) > CREDENTIAL_MAX_LENGTH:
        raise PasskeyError(_("Your browser sent an answer this site cannot read."), reason="credential too long")
    try:
        return parse(credential)
    except (InvalidJSONStructure, InvalidRegistrationResponse, InvalidAuthenticationResponse, ValueError) as exc:
        raise PasskeyError(
            _("Your browser sent an answer this site cannot read."), reason=f"malformed: {exc}"
        ) from exc


def passkey_register(request: HttpRequest, *, user, credential: str, name: str) -> PasskeyUse:
    """Verify the browser's answer to the registration options and store the new passkey (audited)."""
    issued = _challenge_take(request, ceremony=REGISTRATION, user=user)
    parsed = _parsed(credential, parse_registration_credential_json)
    rp = relying_party(request)
    try:
        verified = verify_registration_response(
            credential=parsed, expected_challenge=issued["challenge"], expected_rp_id=rp.id, expected_origin=rp.origin
        )
    except InvalidRegistrationResponse as exc:
        raise PasskeyError(_("The passkey could not be added. Try again."), reason=str(exc)) from exc
    transports = [transport.value for transport in parsed.response.transports or []]
    try:
        with transaction.atomic():
            passkey = Passkey.objects.create(
                user=user,
                name=(name.strip() or _("Passkey"))[:NAME_MAX_LENGTH],
                credential_id=bytes_to_base64url(verified.credential_id),
                user_handle=issued["user_handle"],
                public_key=verified.credential_public_key,
                sign_count=verified.sign_count,
                transports=transports,
                backed_up=verified.credential_backed_up,
            )
    except IntegrityError as exc:
        # excludeCredentials stops an honest browser; a credential id already stored is never taken over.
        raise PasskeyError(_("This passkey is already registered."), reason="credential id exists") from exc
    record_event(
        event=AuditEvent.Event.MFA_PASSKEY_ADDED,
        request=request,
        user=user,
        passkey=passkey.pk,
        name=passkey.name,
        user_verified=verified.user_verified,
    )
    return PasskeyUse(passkey=passkey, user_verified=verified.user_verified)


def passkey_authentication_options(request: HttpRequest, *, ceremony: str, user=None) -> dict:
    """PublicKeyCredentialRequestOptions (as JSON): ``user``'s passkeys for a second factor, any for passwordless."""
    rp = relying_party(request)
    passwordless = ceremony == PASSWORDLESS
    options = generate_authentication_options(
        rp_id=rp.id,
        timeout=CEREMONY_SECONDS * 1000,
        # Passwordless: an empty list lets the browser offer every discoverable passkey it holds for the RP.
        allow_credentials=[] if passwordless else _descriptors(Passkey.objects.filter(user=user)),
        user_verification=UserVerificationRequirement.REQUIRED
        if passwordless
        else UserVerificationRequirement.PREFERRED,
    )
    _challenge_issue(request, ceremony=ceremony, challenge=options.challenge, user=user)
    return options_to_json_dict(options)


def passkey_authenticate(request: HttpRequest, *, ceremony: str, credential: str, user=None) -> PasskeyUse:
    """Verify a signed challenge: ``user``'s passkey (second factor) or any user's (passwordless); counter moved on."""
    expected_challenge = _challenge_take(request, ceremony=ceremony, user=user)["challenge"]
    parsed = _parsed(credential, parse_authentication_credential_json)
    refused = _("That passkey was not accepted.")
    passkeys = Passkey.objects.select_related("user").filter(user__is_active=True)
    if user is not None:
        # A second factor is one of the pending user's passkeys: another account's never stands in for it.
        passkeys = passkeys.filter(user=user)
    passwordless = ceremony == PASSWORDLESS
    with transaction.atomic():
        # Locked: two answers racing cannot both move the counter from the same value.
        passkey = (
            passkeys.select_for_update(of=("self",)).filter(credential_id=bytes_to_base64url(parsed.raw_id)).first()
        )
        if passkey is None:
            raise PasskeyError(refused, reason="unknown credential")
        handle = parsed.response.user_handle
        if handle is not None and bytes_to_base64url(handle) != passkey.user_handle:
            raise PasskeyError(refused, reason="user handle does not match the credential's user")
        rp = relying_party(request)
        try:
            verified = verify_authentication_response(
                credential=parsed,
                expected_challenge=expected_challenge,
                expected_rp_id=rp.id,
                expected_origin=rp.origin,
                credential_public_key=bytes(passkey.public_key),
                # 0: the library's counter check is skipped, so a regression is told apart below (after the
                # signature is known to be good: a forged answer cannot raise a clone alarm).
                credential_current_sign_count=0,
                require_user_verification=passwordless,
            )
        except InvalidAuthenticationResponse as exc:
            raise PasskeyError(refused, reason=str(exc)) from exc
        regressed = bool(verified.new_sign_count or passkey.sign_count) and (
            verified.new_sign_count <= passkey.sign_count
        )
        if not regressed:
            passkey.sign_count = verified.new_sign_count
            passkey.backed_up = verified.credential_backed_up
            passkey.last_used_at = timezone.now()
            passkey.save(update_fields=["sign_count", "backed_up", "last_used_at"])
    if regressed:
        # Recorded once the lock is released, and never rolled back with a refusal.
        _counter_regressed(request, passkey=passkey, received=verified.new_sign_count)
        raise PasskeyError(refused, reason="signature counter did not increase")
    return PasskeyUse(passkey=passkey, user_verified=verified.user_verified)


def _counter_regressed(request: HttpRequest, *, passkey: Passkey, received: int) -> None:
    log.warning(
        "Passkey %s of user %s: signature counter %s after %s; possibly a cloned authenticator, refused.",
        passkey.pk,
        passkey.user_id,
        received,
        passkey.sign_count,
    )
    record_event(
        event=AuditEvent.Event.MFA_PASSKEY_COUNTER_REGRESSED,
        request=request,
        user=passkey.user,
        passkey=passkey.pk,
        stored=passkey.sign_count,
        received=received,
    )


@transaction.atomic
def passkey_remove(*, request: HttpRequest, user, passkey_id: int) -> Passkey | None:
    """Delete one of ``user``'s passkeys (audited); None when it is not theirs or already gone."""
    passkey = Passkey.objects.filter(user=user, pk=passkey_id).first()
    if passkey is None:
        return None
    passkey.delete()
    record_event(
        event=AuditEvent.Event.MFA_PASSKEY_REMOVED, request=request, user=user, passkey=passkey_id, name=passkey.name
    )
    return passkey
