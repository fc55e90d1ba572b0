"""The clients app: OAuth applications as admins register and manage them."""

from django.apps import AppConfig


class ClientsConfig(AppConfig):
    """Admin-managed OAuth clients."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "clients"
