"""How strong and how recent a sign-in is, read from a verified ID token, against what the client asked for.

OIDC Core §3.1.3.7 leaves it to the client: step 11, "if the acr Claim was requested, the Client SHOULD check
that the asserted Claim Value is appropriate"; step 13, with max_age "the Client SHOULD check the auth_time
Claim value and request re-authentication if it determines too much time has elapsed". ``acr_values`` is only
a request, so a provider may sign the person in some other way and merely say so: the check is here.
Plain functions of plain values (no settings, no requests), so they are tested without a web client running.
"""

from dataclasses import dataclass

# Seconds of clock difference allowed between the client and the provider when auth_time is compared.
AUTH_TIME_LEEWAY = 30


@dataclass(frozen=True)
class Refusal:
    """Why a sign-in does not meet what was asked: a title, a sentence, an error code."""

    title: str
    message: str
    code: str


def sign_in_refusal(claims: dict, asked: dict) -> Refusal | None:
    """None when the ID token's ``acr`` and ``auth_time`` meet ``asked`` (the sign-in request's
    ``acr_values`` and ``max_age``, and ``at``: when the client sent it, in its own clock)."""
    if "acr_values" in asked and claims.get("acr") not in asked["acr_values"].split():
        methods = ", ".join(claims.get("amr") or []) or "not stated"
        return Refusal(
            "The sign-in was not strong enough",
            f"This site asked for a sign-in with a second factor ({asked['acr_values']}), but the provider says "
            f"you signed in with {claims.get('acr') or 'no stated class'} (methods: {methods}). Nobody is signed in.",
            "insufficient_acr",
        )
    if "max_age" in asked:
        auth_time = claims.get("auth_time")
        oldest = asked.get("at", 0) - asked["max_age"] - AUTH_TIME_LEEWAY
        # bool is an int: a token saying auth_time=true names no time at all.
        if isinstance(auth_time, bool) or not isinstance(auth_time, int | float) or auth_time < oldest:
            return Refusal(
                "The sign-in was not fresh",
                "This site asked you to sign in again, but the provider's ID token shows an older sign-in "
                "(or none). Nobody is signed in.",
                "stale_auth_time",
            )
    return None
