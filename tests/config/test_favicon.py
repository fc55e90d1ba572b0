"""The site has an icon: every page names it, and /favicon.ico (asked for where none is named) finds it."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_favicon_ico_leads_to_the_icon(client):
    response = client.get("/favicon.ico", follow=True)

    assert response.status_code == 200
    assert response.redirect_chain == [("/static/favicon.svg", 302)]
    assert response["Content-Type"] == "image/svg+xml"
    assert b"<svg" in b"".join(response.streaming_content)


@pytest.mark.parametrize("url_name", ["home", "login", "admin:login"])
def test_pages_name_the_icon(client, url_name):
    response = client.get(reverse(url_name))

    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in response.content.decode()
