"""Every button at the top of a client's admin page leads somewhere that works."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_every_object_tool_on_the_client_page_answers_200(admin_client, web_app):
    page = admin_client.get(reverse("admin:clients_application_change", args=[web_app.pk])).content.decode()
    tools = page.split('<ul class="object-tools">', 1)[1].split("</ul>", 1)[0]
    links = re.findall(r'href="([^"]+)"', tools)

    assert reverse("admin:clients_application_rotate_secret", args=[web_app.pk]) in links
    for link in links:
        assert admin_client.get(link).status_code == 200, link


def test_client_page_has_no_view_on_site_link(admin_client, web_app):
    page = admin_client.get(reverse("admin:clients_application_change", args=[web_app.pk])).content.decode()

    assert "viewsitelink" not in page
