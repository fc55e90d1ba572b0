"""Fuzz every API operation from its own OpenAPI schema (schemathesis): no input may cause a server error.

Schemathesis generates valid and invalid requests (wrong types, out-of-range values, unexpected fields,
odd strings) for each operation the schema describes, sends them through the WSGI app with a bearer
token carrying every scope, and the test fails on any 5xx. Examples are capped per operation and the run
is derandomized, so it takes a bounded time and CI sees the same cases every run.
"""

import json

import pytest
import schemathesis
from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from tests.factories import AccessTokenFactory, NoteFactory

EVERY_SCOPE = " ".join(settings.OAUTH2_SCOPES)

# The document /api/schema/ serves, generated the same way (no request, so no database, at collection).
# schemathesis's fixture-based loader does not work with pytest 9, hence a module-level schema.
schema = schemathesis.openapi.from_dict(
    json.loads(OpenApiJsonRenderer().render(SchemaGenerator().get_schema(request=None, public=True)))
)


@pytest.fixture
def bearer_tokens(db, user, web_app, machine_app, settings) -> dict[str, str]:
    """Live access tokens: ``user`` with every scope, and a machine client's for the user directory.

    API throttles are switched off so that fuzzing reaches the views instead of a 429.
    """
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": dict.fromkeys(settings.REST_FRAMEWORK.get("DEFAULT_THROTTLE_RATES", {})),
    }
    NoteFactory(owner=user)
    return {
        "user": AccessTokenFactory(user=user, application=web_app, scope=EVERY_SCOPE).raw_token,
        "machine": AccessTokenFactory(user=None, application=machine_app, scope="users:read").raw_token,
    }


@pytest.fixture
def wsgi_app():
    """The Django WSGI app, kept from closing the test's database connection (as Django's test client does).

    Each request would otherwise call close_old_connections, which closes a connection inside a
    transaction: the test transaction on PostgreSQL.
    """
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield WSGIHandler()
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
@hypothesis_settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_no_api_operation_answers_a_server_error(case, bearer_tokens, wsgi_app):
    # The user directory is for machine clients (client credentials); everything else is the user's own data.
    token = bearer_tokens["machine" if case.path.startswith("/api/users/") else "user"]

    response = case.call(app=wsgi_app, headers={"Authorization": f"Bearer {token}"})

    assert response.status_code < 500, (
        f"{case.method} {case.formatted_path}: {response.status_code} {response.text[:300]}"
    )
