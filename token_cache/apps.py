"""The token_cache app: signal receivers, and the feed's SQLite triggers kept in place after every migrate."""

from django.apps import AppConfig
from django.db import connections
from django.db.models.signals import post_migrate


class TokenCacheConfig(AppConfig):
    """Bearer-token validation without a database query per request."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "token_cache"
    verbose_name = "Bearer token cache"

    def ready(self) -> None:
        from token_cache import receivers  # noqa: F401 - connects the receivers

        post_migrate.connect(_reinstall_triggers, sender=self, dispatch_uid="token_cache.reinstall_triggers")


def _reinstall_triggers(sender, using: str, apps=None, **kwargs) -> None:
    # SQLite loses a table's triggers when a later migration rebuilds the table; put them back. PostgreSQL
    # keeps them, and pgtrigger's migration operations install them there. A flush (which keeps tables and
    # their triggers) sends this signal too, without the migration state: skip it.
    if apps is None:
        return
    from token_cache.triggers import triggers_install

    triggers_install(apps=apps, connection=connections[using])
