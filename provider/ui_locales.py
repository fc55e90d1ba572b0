"""OIDC ``ui_locales`` (Core §3.1.2.1): the language a relying party asks the sign-in and consent pages to use.

It is honored for the pages of that sign-in only: the authorization request carries it, and so does the sign-in
page's ``next`` (the authorization URL to come back to). Otherwise the LocaleMiddleware's choice stands (the
switcher's cookie, then Accept-Language). An unsupported language is ignored, as the spec allows.
"""

from urllib.parse import parse_qs, urlsplit

from django.utils import translation


def requested_ui_locales(request) -> str:
    """The ui_locales of this request, or of the authorization request the sign-in page will return to."""
    if value := request.GET.get("ui_locales"):
        return value
    next_url = request.GET.get("next") or ""
    if not next_url and request.method == "POST" and request.content_type == "application/x-www-form-urlencoded":
        next_url = request.POST.get("next") or ""  # the sign-in form posts its "next" back
    return (parse_qs(urlsplit(next_url).query).get("ui_locales") or [""])[0]


def supported_language(ui_locales: str) -> str | None:
    """The first of the space-separated BCP 47 tags this site has a translation for."""
    for tag in ui_locales.split()[:10]:
        try:
            return translation.get_supported_language_variant(tag)
        except LookupError:
            continue
    return None


class UiLocalesMiddleware:
    """After LocaleMiddleware: a supported ui_locales wins over the cookie and Accept-Language for this request.

    In process_view, after the request guard's (provider.request_guard): the query and form are read only once
    the guard has accepted them.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs) -> None:
        ui_locales = requested_ui_locales(request)
        language = supported_language(ui_locales) if ui_locales else None
        if language:
            translation.activate(language)
            request.LANGUAGE_CODE = language
