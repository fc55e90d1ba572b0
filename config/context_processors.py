"""Template context shared by every page."""

from django.conf import settings


def site(request):
    """The product name shown in page titles and headers.

    Named ``provider_name`` because Django's auth views put their own ``site_name`` (the request host) in
    the context, which would otherwise replace ours on the sign-in page.
    """
    return {"provider_name": settings.SITE_NAME}
