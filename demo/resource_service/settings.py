"""Settings of the example resource service: the provider it trusts, its own audience, DRF wired to the verifier."""

import environ

env = environ.Env()

DEBUG = False
# Only an example: it has no sessions, forms or signed cookies, so the key protects nothing.
SECRET_KEY = env("RESOURCE_SERVICE_SECRET_KEY", default="example-resource-service-has-no-signed-data")
ALLOWED_HOSTS = env.list("RESOURCE_SERVICE_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
ROOT_URLCONF = "demo.resource_service.urls"
WSGI_APPLICATION = "demo.resource_service.wsgi.application"
USE_TZ = True
# No database, no users table: who calls is the token's ``sub``.
DATABASES = {}
INSTALLED_APPS = ["rest_framework"]
MIDDLEWARE = ["django.middleware.common.CommonMiddleware"]

# THE PROVIDER THIS SERVICE TRUSTS (resource_verifier.drf)
# ------------------------------------------------------------------------------
RESOURCE_VERIFIER = {
    "ISSUER": env("RESOURCE_SERVICE_ISSUER"),
    "AUDIENCE": env("RESOURCE_SERVICE_AUDIENCE"),
    # Empty: read from the issuer's discovery document.
    "JWKS_URI": env("RESOURCE_SERVICE_JWKS_URI", default=""),
    "REALM": "reports",
    "JWKS_MAX_AGE_SECONDS": env.float("RESOURCE_SERVICE_JWKS_MAX_AGE_SECONDS", default=300.0),
    "JWKS_MIN_REFETCH_SECONDS": env.float("RESOURCE_SERVICE_JWKS_MIN_REFETCH_SECONDS", default=30.0),
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["resource_verifier.drf.JWTAccessTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["resource_verifier.drf.HasRequiredScopes"],
    "EXCEPTION_HANDLER": "resource_verifier.drf.exception_handler",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # No django.contrib.auth here: an unauthenticated request has no user object at all.
    "UNAUTHENTICATED_USER": None,
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "INFO"},
}
