"""The demo app: seeds the demo users and clients (``manage.py seed_demo``); local and test settings only."""

from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo data for development: never installed in production."""

    name = "demo"
    verbose_name = "Demo data"
