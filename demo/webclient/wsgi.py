"""WSGI entry point of the demo web client (its own settings, never the provider's)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "demo.webclient.settings")
application = get_wsgi_application()
