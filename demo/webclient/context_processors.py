"""Template context shared by every page of the web client."""

from django.conf import settings
from django.http import HttpRequest


def provider(request: HttpRequest) -> dict:
    """Where the provider is and who this client is, shown in the page header."""
    return {
        "provider_url": settings.WEBCLIENT_PROVIDER_URL,
        "client_id": settings.WEBCLIENT_CLIENT_ID,
        "client_configured": bool(settings.WEBCLIENT_CLIENT_SECRET),
        "demo_users": settings.WEBCLIENT_DEMO_USERS,
        "mfa_acr": settings.WEBCLIENT_MFA_ACR,
    }
