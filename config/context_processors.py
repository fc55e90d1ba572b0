"""Template context shared by every page."""

from django.conf import settings


def site(request):
    """The product name shown in page titles and headers."""
    return {"site_name": settings.SITE_NAME}
