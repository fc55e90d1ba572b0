"""The language switcher at the foot of every page: a link per language that sets Django's language cookie.

Links rather than Django's set_language form: a form needs a CSRF token, which would make every page (and
its cache entry) unique and set a CSRF cookie on pages that have no form, and a ``next`` field would echo
the page's own URL, attacker-supplied parameters included, into the page. The way back is the Referer,
accepted only when it is this site.
"""

from django.conf import settings
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


@never_cache
@require_GET
def language_switch(request, language: str) -> HttpResponseRedirect:
    """Remember ``language`` for this browser and go back to the page the link was on."""
    if language not in dict(settings.LANGUAGES):
        raise Http404
    back = request.headers.get("Referer", "")
    if not url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        back = reverse("home")
    response = HttpResponseRedirect(back)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    return response
