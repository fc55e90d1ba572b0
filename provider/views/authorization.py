"""The authorization endpoint: DOT's AuthorizationView with a consent page the user can narrow, and remembered consent.

The consent page's form, the remembered consent model and its services live in the consent app.
"""

from urllib.parse import parse_qs, urlencode, urlsplit

from django.contrib.auth.views import redirect_to_login
from django.http import QueryDict
from django.shortcuts import redirect, resolve_url
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from oauth2_provider.exceptions import FatalClientError, OAuthToolkitError
from oauth2_provider.views import AuthorizationView
from oauthlib.oauth2.rfc6749.errors import InvalidRequestFatalError
from oauthlib.openid.connect.core.exceptions import (
    ConsentRequired,
    InteractionRequired,
    InvalidRequestURI,
    LoginRequired,
)

from accounts.mfa.policy import second_factor_required, user_has_second_factor
from audit.oauth_events import record_consent_decision
from clients.models import Application
from clients.redirect_uris import LOOPBACK_HOSTS
from consent.forms import ConsentForm
from consent.selectors import consent_covers
from consent.services import consent_record
from provider.acr import AMR_MFA
from provider.authentication import (
    reauthentication_done,
    reauthentication_needed,
    reauthentication_requested,
    session_amr,
    signed_in_within,
)
from provider.authorization_request import claims_parameter_is_malformed, max_age_seconds
from provider.authorization_response import with_issuer
from provider.id_token_hint import id_token_hint_subject
from provider.models import PushedAuthorizationRequest
from provider.pushed_authorization import (
    PushedRequestRefused,
    pushed_request_consume,
    pushed_request_query,
    pushed_request_resolve,
    pushed_request_validation,
)


def remembered_consent_applies(*, application: Application, redirect_uri: str) -> bool:
    """Whether a consent the user gave earlier may stand in for the consent page for this request.

    Not for a public client, nor for any client receiving its code on a loopback address (a native
    app): nothing proves the request comes from the client the user approved and not from another
    app using its client_id (RFC 6749 §10.2, RFC 8252 §8.6, OAuth 2.1 "Client Impersonation": no
    automatic processing of repeated requests when the client's identity cannot be assured).
    """
    if application.client_type != Application.CLIENT_CONFIDENTIAL:
        return False
    return (urlsplit(redirect_uri).hostname or "").lower() not in LOOPBACK_HOSTS


def _prompt(request) -> set[str]:
    # Space-delimited and case-sensitive (OIDC Core §3.1.2.1); provider.authorization_request checked the values.
    return set(request.GET.get("prompt", "").split())


# The consent page holds a CSRF token and the signed authorization request: no cache, shared or private, may keep it.
@method_decorator(never_cache, name="dispatch")
class ConsentView(AuthorizationView):
    """DOT's authorization endpoint with re-authentication, a consent page the user can narrow, and remembered consent.

    Sign-in (OIDC Core §3.1.2.1): ``prompt=login`` and ``max_age=0`` send the user to sign in again,
    ``max_age=N`` does when the session's sign-in is older than N seconds, and then the request
    continues with every parameter it had (provider.authentication). With ``prompt=none`` each of these
    is ``login_required`` instead of a page.

    Consent: DOT shows its page on every request (REQUEST_APPROVAL_PROMPT = "force") unless an admin
    marked the client trusted (``skip_authorization``: the admin's explicit choice that this client
    needs no consent, kept even for ``prompt=consent``, which OIDC Core words as a SHOULD). On top of
    that, a user who already approved this client for every requested scope is not asked again, unless
    the client sends ``prompt=consent`` or its identity cannot be verified (remembered_consent_applies);
    with ``prompt=none`` and no remembered consent that applies the answer is ``consent_required``
    (OIDC Core §3.1.2.6).

    ``id_token_hint`` (checked as an ID token of ours by provider.authorization_request): naming a user other
    than the one signed in, the answer is ``login_required``; a signed-out user signs in first.

    Pushed requests (RFC 9126, provider.pushed_authorization): a ``request_uri`` is swapped for the request
    it names before anything else looks at the request, so every rule above applies to the pushed
    parameters; the sign-in round trip comes back to the ``request_uri``, and the first code or error sent
    for it uses it up.
    """

    form_class = ConsentForm
    _validated: tuple | None = None
    # The pushed request this one stands for, and the path it arrived on (client_id and request_uri only).
    _pushed: PushedAuthorizationRequest | None = None
    _arrived_as: str = ""
    # Whether the request being answered named its redirect_uri (it may leave it out: RFC 6749 §3.1.2.3).
    _redirect_uri_named: bool = True
    # The DPoP key the consent form's signed request binds the code to (RFC 9449 §10); None: not from a form.
    _dpop_jkt: str | None = None

    def dispatch(self, request, *args, **kwargs):
        if "request_uri" not in request.GET:
            return super().dispatch(request, *args, **kwargs)
        query = [(name, value) for name, values in request.GET.lists() for value in values]
        try:
            self._pushed = pushed_request_resolve(query=query)
        except PushedRequestRefused as refusal:
            # Without the pushed request there is no redirect URI to trust: a page, never a redirect.
            error = {"error": refusal.error, "description": refusal.description}
            return self.render_to_response({"error": error}, status=400)
        self._arrived_as = request.get_full_path()
        # DOT reads request.GET, oauthlib the request URI (QUERY_STRING): both now hold the pushed request.
        request.META["QUERY_STRING"] = pushed_request_query(self._pushed)
        request.GET = QueryDict(request.META["QUERY_STRING"])
        with pushed_request_validation():
            return super().dispatch(request, *args, **kwargs)

    def validate_authorization_request(self, request):
        """oauthlib's validation of the request, once: DOT's get() and handle_no_permission() ask for it again."""
        if self._validated is None:
            if claims_parameter_is_malformed(request.GET.get("claims")):
                refusal = InvalidRequestFatalError(description=_("The claims parameter must be a JSON object."))
                raise FatalClientError(refusal)
            self._validated = super().validate_authorization_request(request)
        return self._validated

    def handle_no_permission(self):
        """A signed-out user: refuse a bad request first (never a sign-in page for it), then DOT's answers."""
        try:
            self.validate_authorization_request(self.request)
        except OAuthToolkitError as error:
            return self.error_response(error, application=None)
        prompt = _prompt(self.request)
        if "none" in prompt or "create" in prompt:
            # DOT's answers: login_required to the client (OIDC Core §3.1.2.6), or its registration page when
            # OIDC_RP_INITIATED_REGISTRATION_ENABLED (provider.authorization_request refuses create otherwise).
            return super().handle_no_permission()
        return self._sign_in(prompt=prompt, max_age=max_age_seconds(self.request.GET.get("max_age")))

    def get(self, request, *args, **kwargs):
        if "approval_prompt" in request.GET:
            # DOT's own parameter would let the client switch on DOT's token-based auto-approval and so
            # bypass remembered consent and prompt=consent; unknown parameters are ignored (RFC 6749 §3.1).
            self._hide_from_dot("approval_prompt")
        try:
            _scopes, credentials = self.validate_authorization_request(request)
        except OAuthToolkitError as error:
            return self.error_response(error, application=None)
        prompt = _prompt(request)
        max_age = max_age_seconds(request.GET.get("max_age"))
        if reauthentication_needed(request, prompt=prompt, max_age=max_age):
            if "none" in prompt:
                # OIDC Core §3.1.2.6: the request cannot complete without the sign-in page.
                return self._silent_refusal(LoginRequired, credentials)
            return self._sign_in(prompt=prompt, max_age=max_age)
        reauthentication_done(request)
        hint = request.GET.get("id_token_hint")
        if hint is not None and id_token_hint_subject(hint) != str(request.user.pk):
            # OIDC Core §3.1.2.1: the hint names another user than the one signed in: "SHOULD return an error,
            # such as login_required" (never a code for the wrong account; the client can send the user to sign out).
            return self._silent_refusal(LoginRequired, credentials)
        refusal = self._second_factor_missing(credentials, prompt=prompt)
        if refusal is not None:
            return refusal
        if "login" in prompt:
            # Met by the sign-in just made: DOT's get() would send the user to sign in once more.
            self._hide_from_dot("prompt", keep=" ".join(sorted(prompt - {"login"})))
        return super().get(request, *args, **kwargs)

    @property
    def _pushed_id(self) -> int | None:
        return None if self._pushed is None else self._pushed.pk

    def _sign_in(self, *, prompt: set[str], max_age: int | None, next_url: str | None = None):
        """Send the user to the sign-in page and back to this very request, every parameter kept."""
        if "login" in prompt or max_age == 0:
            reauthentication_requested(self.request)
        # A pushed request comes back by its request_uri: its parameters never travel through the browser.
        next_url = next_url or self._arrived_as or self.request.get_full_path()
        return redirect_to_login(next_url, resolve_url(self.get_login_url()), self.get_redirect_field_name())

    def _second_factor_missing(self, credentials: dict, *, prompt: set[str], next_url: str | None = None):
        """The answer when a second factor is required (user, group, client or acr_values) and the session lacks it.

        A user who has one is asked for it (a step-up, accounts.mfa); one who has none is sent to enrol
        one. With ``prompt=none`` neither page may be shown (OIDC Core §3.1.2.6): ``login_required`` when
        the user could authenticate with the factor, ``interaction_required`` when they must enrol first.
        None when nothing is missing.
        """
        if AMR_MFA in session_amr(self.request):
            return None
        oauthlib_request = credentials.get("request")
        application = getattr(oauthlib_request, "client", None)
        if application is None:
            application = Application.objects.get(client_id=credentials["client_id"])
        user = self.request.user
        acr_values = self.request.GET.get("acr_values")
        if not second_factor_required(user=user, application=application, acr_values=acr_values):
            return None
        has_factor = user_has_second_factor(user)
        if "none" in prompt:
            return self._silent_refusal(LoginRequired if has_factor else InteractionRequired, credentials, application)
        next_url = next_url or self._arrived_as or self.request.get_full_path()
        page = reverse("mfa-verify") if has_factor else reverse("mfa-settings")
        return redirect(f"{page}?{urlencode({'next': next_url})}")

    def _hide_from_dot(self, name: str, *, keep: str = "") -> None:
        # DOT's view reads these from request.GET; oauthlib reads the request URI, which keeps them.
        self.request.GET = self.request.GET.copy()
        if keep:
            self.request.GET[name] = keep
        else:
            self.request.GET.pop(name, None)

    def _silent_refusal(self, error_class, credentials: dict, application: Application | None = None):
        """The OIDC Core §3.1.2.6 error a prompt=none request gets instead of a page, sent to the client."""
        state = credentials.get("state")
        error = OAuthToolkitError(error_class(state=state), redirect_uri=credentials["redirect_uri"])
        application = application or Application.objects.get(client_id=credentials["client_id"])
        return self.error_response(error, application)

    def get_form_kwargs(self) -> dict:
        kwargs = {**super().get_form_kwargs(), "user": self.request.user}
        query = self.request.META.get("QUERY_STRING", "")
        if self.request.method == "GET":
            # Signed into the page with the request: where to come back to, and the max_age the POST checks again.
            kwargs["context"] = {
                "query": query,
                "max_age": max_age_seconds(self.request.GET.get("max_age")),
                "pushed": self._pushed_id,
                "pushed_path": self._arrived_as,
            }
        else:
            # oauthlib reads prompt, response_mode... from the URI the form is posted to: it must be the page's,
            # and a page shown for a pushed request is answered through that request_uri only.
            kwargs["posted_query"] = query
            kwargs["posted_pushed"] = self._pushed_id
        return kwargs

    def render_to_response(self, context, **response_kwargs):
        """DOT calls this when it is about to show the consent page: decide here whether the user must see it."""
        if self.request.method != "GET" or "form" not in context:
            return super().render_to_response(context, **response_kwargs)
        prompt = _prompt(self.request)
        application = context["application"]
        if (
            "consent" not in prompt
            and remembered_consent_applies(application=application, redirect_uri=context["redirect_uri"])
            and consent_covers(user=self.request.user, application=application, scopes=context["scopes"])
        ):
            return self._approve_as_remembered(context["form"])
        if "none" in prompt:
            return self._silent_refusal(ConsentRequired, context, application)
        return super().render_to_response(context, **response_kwargs)

    def _approve_as_remembered(self, form):
        """Answer as if the user pressed Allow with every requested scope ticked, through the same form."""
        data = {name: value for name, value in form.initial.items() if value is not None}
        bound = self.get_form_class()(
            data={**data, "allow": True}, user=self.request.user, posted_pushed=self._pushed_id
        )
        if not bound.is_valid():
            return self.form_invalid(bound)
        self.approved_silently = True
        return self.form_valid(bound)

    def form_valid(self, form):
        max_age = form.signed.get("max_age")
        if form.cleaned_data["allow"] and max_age and not signed_in_within(self.request, max_age):
            # OIDC Core §3.1.2.1: the code is issued now, so the sign-in must be recent enough now, not
            # only when the page was shown. Back to the original request once the user has signed in.
            query = f"{reverse('oauth2_provider:authorize')}?{form.signed.get('query', '')}"
            next_url = form.signed.get("pushed_path") or query
            return self._sign_in(prompt=set(), max_age=max_age, next_url=next_url)
        if form.cleaned_data["allow"]:
            # Checked again when the code is issued: the page's GET may not have been this session's.
            query = f"{reverse('oauth2_provider:authorize')}?{form.signed.get('query', '')}"
            credentials = {
                "client_id": form.cleaned_data["client_id"],
                "redirect_uri": form.cleaned_data["redirect_uri"],
            }
            credentials["state"] = form.cleaned_data.get("state")
            refusal = self._second_factor_missing(
                credentials, prompt=set(), next_url=form.signed.get("pushed_path") or query
            )
            if refusal is not None:
                return refusal
        approved = form.cleaned_data["scopes"]
        if form.requested_scopes and not approved:
            # Allowing with everything unticked grants nothing: treat it as Deny. (An empty scope would
            # also make oauthlib fall back to the client's default scopes, which must never happen.)
            form.cleaned_data["allow"] = False
        form.cleaned_data["scope"] = " ".join(approved)
        # RFC 6749 §4.1.3: the token request must repeat redirect_uri only if this request named it (the
        # page's signed query; a pushed request's parameters are that query too).
        signed_query = parse_qs(form.signed.get("query", ""))
        self._redirect_uri_named = "redirect_uri" in signed_query
        # RFC 9449 §10: the code is bound to the key the request named, as signed with the page.
        self._dpop_jkt = signed_query.get("dpop_jkt", [""])[0]
        response = super().form_valid(form)
        remembered = getattr(self, "approved_silently", False)
        record_consent_decision(request=self.request, form=form, issued=bool(self.success_url), remembered=remembered)
        approved_on_page = form.cleaned_data["allow"] and not getattr(self, "approved_silently", False)
        if approved_on_page and self.success_url:
            # DOT sets success_url only once the code was issued, so nothing is remembered for a failure.
            consent_record(
                user=self.request.user,
                application=Application.objects.get(client_id=form.cleaned_data["client_id"]),
                requested=form.requested_scopes,
                approved=approved,
            )
        return response

    def create_authorization_response(self, request, scopes, credentials, allow):
        """DOT's answer to the consent form, once per pushed request: a second approval gets no second code."""
        if self._pushed is not None and not pushed_request_consume(self._pushed):
            error = InvalidRequestURI(description="The request_uri was already used.", state=credentials.get("state"))
            raise OAuthToolkitError(error, redirect_uri=credentials["redirect_uri"])
        # Stored with the code (tokens.auth_time) for the validator's confirm_redirect_uri at the exchange.
        credentials = {**credentials, "redirect_uri_named": self._redirect_uri_named}
        if self._dpop_jkt is not None:
            # From the signed form. Otherwise (a trusted client, no page) oauthlib reads dpop_jkt from the
            # request's query, which is the (pushed) authorization request itself.
            credentials["dpop_jkt"] = self._dpop_jkt
        return super().create_authorization_response(request, scopes, credentials, allow)

    def redirect(self, redirect_to, application):
        if self._pushed is not None:
            # Whatever goes back to the client (a code, an error) ends the pushed request (RFC 9126 §4).
            pushed_request_consume(self._pushed)
        # RFC 9207 §2: the issuer goes on error responses too (DOT adds it to successful ones only).
        return super().redirect(with_issuer(redirect_to, self.request), application)

    def form_invalid(self, form):
        """The hidden fields only change if someone edits the page: refuse, never guess or widen."""
        error = {
            "error": "invalid_request",
            "description": " ".join(str(message) for messages in form.errors.values() for message in messages),
        }
        return self.render_to_response({"error": error}, status=400)
