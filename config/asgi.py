"""ASGI entry point for ASGI servers."""

import os

from django.core.asgi import get_asgi_application

from config.settings.required import UnusableEnvironment

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

try:
    application = get_asgi_application()
except UnusableEnvironment as problems:
    # The message lists every variable to fix; the app server would otherwise print Django's whole traceback.
    raise SystemExit(str(problems)) from None
