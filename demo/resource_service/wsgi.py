"""WSGI entry point of the example resource service."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "demo.resource_service.settings")

application = get_wsgi_application()
