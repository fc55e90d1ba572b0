"""The web client's pages: home, sign-in and callback, the signed-in page and its actions, logout."""

import json
from datetime import UTC, datetime

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from demo.webclient import backchannel, oidc
from demo.webclient.oidc import ProviderProblem

# Session keys: the token and verified claims of the signed-in user, and one-shot notices for the next page.
TOKEN = "oidc_token"  # noqa: S105 - the name of a session key, not a secret
CLAIMS = "oidc_claims"
NOTICE = "notice"
LAST_RESULT = "last_result"
# Set on the stored token once the provider revoked it (the tokens stay, to show the provider refusing them).
REVOKED = "revoked_at_provider"
# ID token claims that are timestamps, shown as dates too.
TIME_CLAIMS = {"exp", "iat", "auth_time", "nbf"}


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The landing page: a log-in button, or who is logged in and what the client holds."""
    if "state" in request.GET:
        # The provider sent the browser back here after RP-initiated logout.
        try:
            oidc.check_logout_return(request)
        except ProviderProblem as problem:
            return render_problem(request, problem)
        request.session[NOTICE] = "You are logged out, here and at the provider."
        return redirect("home")
    token = request.session.get(TOKEN)
    context = {"notice": request.session.pop(NOTICE, ""), "problem": request.session.pop("problem", None)}
    if not token:
        return render(request, "webclient/home.html", context)
    claims = request.session.get(CLAIMS, {})
    context.update(
        claims=[_claim_row(name, value) for name, value in claims.items()],
        sign_in=_sign_in_facts(claims),
        username=_display_name(request.session.get(CLAIMS, {})),
        scopes=token.get("scope", "").split(),
        expires_at=_as_datetime(token.get("expires_at")),
        seconds_left=oidc.seconds_left(token),
        has_refresh_token=bool(token.get("refresh_token")),
        revoked=bool(token.get(REVOKED)),
        api_paths=settings.WEBCLIENT_API_PATHS,
        result=_with_pretty_body(request.session.pop(LAST_RESULT, None)),
    )
    return render(request, "webclient/profile.html", context)


@require_POST
def login(request: HttpRequest) -> HttpResponse:
    """Start authorization code + PKCE + state + nonce at the provider, asking for a second factor or a fresh
    sign-in when the person pressed that button."""
    ask = request.POST.get("ask", oidc.Ask.ANYONE)
    if ask not in oidc.Ask.CHOICES:
        problem = ProviderProblem("Unknown kind of sign-in", f"{ask!r} is not one of the demo's.")
        return render_problem(request, problem)
    try:
        return oidc.login_redirect(request, ask=ask)
    except ProviderProblem as problem:
        return render_problem(request, problem)


@require_GET
def callback(request: HttpRequest) -> HttpResponse:
    """The redirect URI: verify the answer, exchange the code, verify the ID token, sign the user in here."""
    try:
        token, claims = oidc.complete_login(request)
    except ProviderProblem as problem:
        return render_problem(request, problem)
    # A new session key on sign-in, so a key planted before it (session fixation) is worth nothing.
    request.session.cycle_key()
    request.session[TOKEN] = token
    request.session[CLAIMS] = claims
    request.session[NOTICE] = "Signed in with the provider."
    # Saved now, so the key exists; the provider may later end this session by back-channel logout.
    request.session.save()
    backchannel.session_remember(sid=claims.get("sid", ""), session_key=request.session.session_key)
    return redirect("home")


@csrf_exempt  # the provider calls this server to server: no browser, no cookie, no CSRF token (§2.5)
@require_POST
def backchannel_logout(request: HttpRequest) -> HttpResponse:
    """OIDC Back-Channel Logout 1.0 §2.5: validate the logout token, end the session it names; 200 or 400."""
    try:
        claims = backchannel.logout_token_claims(request.POST.get("logout_token", ""))
    except backchannel.InvalidLogoutToken as invalid:
        response = JsonResponse({"error": "invalid_request", "error_description": str(invalid)}, status=400)
    else:
        backchannel.sessions_drop(claims)
        response = HttpResponse(status=200)
    response["Cache-Control"] = "no-store"  # §2.8
    return response


@require_POST
def call_api(request: HttpRequest) -> HttpResponse:
    """Call one of the provider's API paths with the access token and show its JSON."""
    token = request.session.get(TOKEN)
    if not token:
        return render_problem(request, _session_ended())
    path = request.POST.get("path", "")
    if path not in settings.WEBCLIENT_API_PATHS:
        # Only the listed paths: the access token must never be sent to a URL typed into the form.
        return render_problem(request, ProviderProblem("Unknown API path", f"{path!r} is not one of the demo's."))
    try:
        result = oidc.call_api(token, path)
    except ProviderProblem as problem:
        return render_problem(request, problem)
    request.session[LAST_RESULT] = {
        "url": result.url,
        "status": result.status,
        "body": result.body,
        "problem": result.problem,
    }
    return redirect("home")


@require_POST
def refresh(request: HttpRequest) -> HttpResponse:
    """Exchange the refresh token for a new pair (the old refresh token stops working: rotation)."""
    token = request.session.get(TOKEN)
    if not token:
        return render_problem(request, _session_ended())
    try:
        new_token = oidc.refresh(token)
    except ProviderProblem as problem:
        return _problem_on_profile(request, problem)
    request.session[TOKEN] = new_token
    rotated = new_token.get("refresh_token") != token.get("refresh_token")
    expires = _as_datetime(new_token.get("expires_at"))
    request.session[NOTICE] = f"Refreshed: the new access token expires at {expires:%H:%M:%S} UTC" + (
        "; the provider rotated the refresh token (the old one is now refused)." if rotated else "."
    )
    return redirect("home")


@require_POST
def revoke(request: HttpRequest) -> HttpResponse:
    """Revoke both tokens at the provider but keep them here, so the next API call shows the refusal."""
    token = request.session.get(TOKEN)
    if not token:
        return render_problem(request, _session_ended())
    try:
        revoked = oidc.revoke(token)
    except ProviderProblem as problem:
        return _problem_on_profile(request, problem)
    # Kept, marked revoked: the page must not say "held" for a token the provider now refuses.
    request.session[TOKEN] = {**token, REVOKED: True}
    request.session[NOTICE] = (
        f"Revoked at the provider: {' and '.join(revoked)}. Call the API now to see the provider refuse it."
    )
    return redirect("home")


@require_POST
def logout(request: HttpRequest) -> HttpResponse:
    """Forget the tokens here, then ask the provider to end its session too (RP-initiated logout)."""
    token = request.session.get(TOKEN) or {}
    request.session.flush()
    if not token.get("id_token"):
        request.session[NOTICE] = "You are logged out of this site."
        return redirect("home")
    try:
        return oidc.logout_redirect(request, token)
    except ProviderProblem as problem:
        return render_problem(request, problem)


# HELPERS
# ------------------------------------------------------------------------------
def render_problem(request: HttpRequest, problem: ProviderProblem) -> HttpResponse:
    """The readable error page, with the HTTP status that fits the problem."""
    return render(request, "webclient/problem.html", {"problem": problem}, status=problem.status)


def _problem_on_profile(request: HttpRequest, problem: ProviderProblem) -> HttpResponse:
    """Show a refused action on the signed-in page, which stays usable (e.g. to log out)."""
    request.session["problem"] = {"title": problem.title, "message": problem.message, "code": problem.code}
    return redirect("home")


def _session_ended() -> ProviderProblem:
    return ProviderProblem(
        "You are not logged in here",
        "This site's session has ended or expired (or you logged out), so it holds no token. Please log in again.",
        code="session_ended",
        status=401,
    )


def _with_pretty_body(result: dict | None) -> dict | None:
    """The stored API result with its body as indented JSON for the page."""
    if result is not None:
        body = result["body"]
        result["pretty"] = body if isinstance(body, str) else json.dumps(body, indent=2, ensure_ascii=False)
    return result


def _display_name(claims: dict) -> str:
    return claims.get("preferred_username") or claims.get("name") or claims.get("sub", "someone")


# RFC 8176 authentication method references, in words, for the ones the provider uses.
AMR_WORDS = {
    "pwd": "password",
    "otp": "one-time code",
    "hwk": "hardware-bound key (passkey)",
    "user": "user verified by the device",
    "mfa": "more than one factor",
}


def _sign_in_facts(claims: dict) -> dict:
    """How the person signed in at the provider, from the ID token: acr, amr (with words) and auth_time."""
    acr = claims.get("acr", "")
    return {
        "acr": acr,
        "second_factor": acr == settings.WEBCLIENT_MFA_ACR,
        "amr": [(method, AMR_WORDS.get(method, "")) for method in claims.get("amr") or []],
        "auth_time": _as_datetime(claims.get("auth_time")),
    }


def _as_datetime(timestamp: float | None) -> datetime | None:
    return datetime.fromtimestamp(timestamp, tz=UTC) if timestamp else None


def _claim_row(name: str, value) -> dict:
    """One row of the claims table; timestamps also shown as a UTC date."""
    # Non-strings as JSON (true, not Python's True), the way the claim travels in the token.
    shown = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    when = _as_datetime(value) if name in TIME_CLAIMS and isinstance(value, int | float) else None
    return {"name": name, "value": shown, "when": when}
