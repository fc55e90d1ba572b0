"""Swagger UI at /api/docs/: served from our own static files, under the site's CSP, signing in as demo-spa."""

import re

import pytest
from django.conf import settings
from django.urls import reverse

from demo.management.commands.seed_demo import demo_clients

pytestmark = pytest.mark.django_db


def test_docs_page_loads_only_same_origin_assets_and_no_inline_code(client):
    response = client.get(reverse("api:docs"))

    assert response.status_code == 200
    html = response.content.decode()
    assert "cdn" not in html.lower()
    assert not re.search(r"""(src|href)=["']https?://""", html)
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "inline script would need 'unsafe-inline'"
    assert "<style" not in html
    assert '<script src="/api/docs/?script="></script>' in html


def test_docs_keep_the_sites_strict_content_security_policy(client):
    response = client.get(reverse("api:docs"))

    assert response["Content-Security-Policy"] == settings.CONTENT_SECURITY_POLICY
    assert "script-src 'self';" in response["Content-Security-Policy"]


def test_docs_start_up_script_signs_in_as_demo_spa_with_pkce(client):
    response = client.get(reverse("api:docs"), {"script": ""})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    script = response.content.decode()
    assert '"clientId": "demo-spa"' in script
    assert '"usePkceWithAuthorizationCodeGrant": true' in script
    assert '"validatorUrl": null' in script
    assert 'url: "/api/schema/"' in script


@pytest.mark.parametrize(
    "asset",
    ["swagger-ui-bundle.js", "swagger-ui-standalone-preset.js", "swagger-ui.css", "oauth2-redirect.js"],
)
def test_swagger_ui_assets_are_served_from_our_static_files(client, asset):
    response = client.get(f"{settings.STATIC_URL}drf_spectacular_sidecar/swagger-ui-dist/{asset}")

    assert response.status_code == 200


def test_oauth2_redirect_page_hands_the_code_to_swagger_ui_without_inline_script(client):
    response = client.get(reverse("api:docs-oauth2-redirect"), {"code": "abc", "state": "xyz"})

    assert response.status_code == 200
    html = response.content.decode()
    assert 'src="/static/drf_spectacular_sidecar/swagger-ui-dist/oauth2-redirect.js"' in html
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    assert response["Referrer-Policy"] == "no-referrer"
    assert "no-store" in response["Cache-Control"]
    assert response["Content-Security-Policy"] == settings.CONTENT_SECURITY_POLICY


def test_the_seeded_demo_spa_client_registers_the_docs_redirect_uri():
    spa = next(
        c for c in demo_clients("http://127.0.0.1:8000", "http://localhost:8001") if c["client_id"] == "demo-spa"
    )

    assert "http://127.0.0.1:8000" + reverse("api:docs-oauth2-redirect") in spa["redirect_uris"].split()
    assert spa["client_type"] == "public"
