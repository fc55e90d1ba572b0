"""App config so Django finds the web client's templates and static files."""

from django.apps import AppConfig


class WebClientConfig(AppConfig):
    """The demo relying party."""

    name = "demo.webclient"
    label = "webclient"
    verbose_name = "Demo web client"
