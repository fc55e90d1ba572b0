"""The OpenAPI document at /api/schema/: valid OpenAPI 3, with this provider's OAuth 2 flows and every scope."""

import json
import re

import pytest
from django.urls import resolve, reverse
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from drf_spectacular.validation import validate_schema

from api.permissions import required_scopes_for

HTTP_METHODS = {"get", "put", "patch", "post", "delete"}


@pytest.fixture(scope="module")
def schema() -> dict:
    """The document, generated once for the module as /api/schema/ generates it, in JSON types."""
    return json.loads(OpenApiJsonRenderer().render(SchemaGenerator().get_schema(request=None, public=True)))


def concrete(path: str) -> str:
    """A real URL for a templated schema path, so it resolves to its view."""
    sample = {"users": "7", "notes": "12345678-1234-5678-1234-567812345678"}.get(path.split("/")[2], "demo-web")
    return re.sub(r"\{[^}]+\}", sample, path)


def operations(schema: dict):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method in HTTP_METHODS:
                yield path, method, operation


def test_the_schema_is_valid_openapi_3(schema):
    validate_schema(schema)
    assert schema["openapi"].startswith("3.")


@pytest.mark.django_db
def test_the_schema_is_served_publicly_and_ignores_a_bad_token(client):
    response = client.get(reverse("api:schema"), {"format": "json"}, HTTP_AUTHORIZATION="Bearer stale-token")

    assert response.status_code == 200
    assert response.json()["components"]["securitySchemes"]["oauth2"]["type"] == "oauth2"


def test_the_security_scheme_is_oauth2_with_code_and_client_credentials_against_this_provider(schema):
    scheme = schema["components"]["securitySchemes"]["oauth2"]

    assert scheme["type"] == "oauth2"
    code_flow = scheme["flows"]["authorizationCode"]
    assert code_flow["authorizationUrl"] == reverse("oauth2_provider:authorize")
    assert code_flow["tokenUrl"] == reverse("oauth2_provider:token")
    assert scheme["flows"]["clientCredentials"]["tokenUrl"] == reverse("oauth2_provider:token")
    assert code_flow["scopes"]["notes:archive"] == "Archive your notes and bring them back"
    assert "PKCE" in scheme["description"]


def test_the_client_credentials_flow_offers_only_the_scopes_of_machine_only_operations(schema):
    machine_flow = schema["components"]["securitySchemes"]["oauth2"]["flows"]["clientCredentials"]

    # A user scope offered there would be answered invalid_scope: a machine client is never given one.
    assert machine_flow["scopes"] == {"users:read": "List user accounts (machine-to-machine provisioning)"}


def test_every_operation_but_the_share_link_requires_oauth2_with_its_views_scopes(schema):
    public = set()
    for path, method, operation in operations(schema):
        if operation["security"] == [{}]:
            public.add(path)
            continue
        view = resolve(concrete(path)).func.view_class
        expected = required_scopes_for(view(), method.upper())
        assert operation["security"] == [{"oauth2": expected}], (path, method)
        assert expected, (path, method)
        assert {"401", "403"} <= set(operation["responses"]), (path, method)

    assert public == {"/api/shared-notes/{share_key}/"}


def test_the_schema_documents_the_error_body_and_the_challenge_header(schema):
    error = schema["components"]["schemas"]["Error"]
    me_401 = schema["paths"]["/api/me/"]["get"]["responses"]["401"]

    assert {"error", "error_description"} <= set(error["required"])
    assert "WWW-Authenticate" in me_401["headers"]


def test_the_docs_pages_are_not_in_the_schema(schema):
    assert not [path for path in schema["paths"] if path.startswith(("/api/docs", "/api/schema"))]
