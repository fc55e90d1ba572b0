"""An example resource server of its own: a DRF service that verifies this provider's JWT access tokens offline.

It shares no database, no code path and no secret with the provider; it knows the provider's issuer and its
own audience, and fetches the published keys (resource_verifier). Run it with::

    RESOURCE_SERVICE_ISSUER=http://127.0.0.1:8000 RESOURCE_SERVICE_AUDIENCE=http://127.0.0.1:8002/ \\
        DJANGO_SETTINGS_MODULE=demo.resource_service.settings python -m gunicorn demo.resource_service.wsgi -b :8002

then call ``GET /reports/`` with a token of ``demo-machine-jwt`` requested with
``resource=http://127.0.0.1:8002/`` (docs/jwt-access-tokens.md).
"""
